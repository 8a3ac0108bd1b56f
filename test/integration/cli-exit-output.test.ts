import { spawnSync } from 'node:child_process';
import path from 'node:path';

const runModule = path.join(__dirname, '..', '..', 'dist', 'cli', 'run.js');

/**
 * A verdict printed after a long report must reach a pipe whole even though the command ends with
 * an explicit exit (`audit verify --all` lost its 总结论 line in CI). Runs the built module.
 */
describe('CLI exit keeps its output', () => {
  const script = (failure: string) => `
    const { run } = require(${JSON.stringify(runModule)});
    run(async () => {
      for (let i = 0; i < 20000; i++) console.log('流 ' + i + ' ' + 'x'.repeat(100));
      ${failure}
    });`;

  it.each([
    [
      'a verdict that sets the exit code',
      `console.log('总结论：不一致'); process.exitCode = 1;`,
      '总结论：不一致',
    ],
    ['a failure reported in Chinese', `throw new Error('故意失败');`, ''],
  ])('%s', (_name, failure, lastLine) => {
    const r = spawnSync(process.execPath, ['-e', script(failure)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(lastLine ? 20001 : 20000);
    if (lastLine) expect(lines.at(-1)).toBe(lastLine);
    else expect(r.stderr).toMatch(/故意失败/);
  });
});
