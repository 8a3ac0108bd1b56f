import fs from 'node:fs';
import path from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startWorker, type TestStack } from '../support/temporal';
import { waitFor } from '../support/wait';
import { operatorDataDir, cliAgainst } from '../support/cli';
import { findInstruction } from '../../app/instructions';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { importPlan } from '../../seeds/import';
import { readStream } from '../../db/event-store';
import { shanghaiDate } from '../../domain/calendar';
import { instructionWorkflowId } from '../../domain/instruction';

/**
 * `dudao instruction add|list|show` and the unit's and 督导处's existing commands on the item, as
 * people run them (the compiled CLI, `npm run build` first). The CLI records on real time, so the
 * dates are relative to the day the test runs.
 */
describe('the CLI’s 领导批示', () => {
  let t: TestDatabase;
  let stack: TestStack;
  let dataDir: string;
  const day = (offset: number) => shanghaiDate(new Date(Date.now() + offset * 86_400_000).toISOString());

  const dudao = cliAgainst(() => ({ url: t.url, taskQueue: stack.taskQueue, dataDir }));

  beforeAll(async () => {
    t = await freshDatabase();
    stack = await startWorker(t.db);
    dataDir = await operatorDataDir(t.db, 'dudao-cli-ps-');
  });
  afterAll(async () => {
    await stack?.stop();
    await t?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const add = (...extra: string[]) =>
    dudao(
      'instruction',
      'add',
      ...[
        '--leader',
        '王局长',
        '--date',
        day(-1),
        '--text',
        '请基教处牵头，两周内拿出方案',
        '--unit',
        '基教处',
      ],
      ...['--deadline', day(14), '--as', '督导处:inspector'],
      ...extra,
    );

  it('refuses bad input in Chinese and records nothing', async () => {
    const badDate = await add('--id', 'PS-BAD', '--deadline', '下周五');
    expect(badDate.status).not.toBe(0);
    expect(badDate.stderr).toContain('办理期限格式不正确，应为 YYYY-MM-DD');
    const asUnit = await dudao(
      ...['instruction', 'add', '--leader', '王局长', '--date', day(-1), '--text', '请办理'],
      ...['--unit', '基教处', '--deadline', day(14), '--as', '基教处:unit_staff'],
    );
    expect(asUnit.stderr).toContain('只有督导处可以登记领导批示');
    const noCycle = await add('--cycle', 'no-such-cycle');
    expect(noCycle.stderr).toContain('找不到督导周期 no-such-cycle');
    expect(await t.db.selectFrom('events').selectAll().execute()).toEqual([]);
  });

  it('records an instruction with its scanned original; the unit replies, 督导处 approves, it shows 已办结', async () => {
    const scan = path.join(dataDir, '批示原件.pdf');
    fs.writeFileSync(scan, '%PDF-1.4\n% 王局长批示\n%%EOF\n');
    const added = await add('--id', 'PS-CLI-1', '--evidence', scan);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(
      `已登记领导批示 PS-CLI-1，交办基教处，办理期限 ${day(14).replace(/-0?/g, '/')}`,
    );
    expect(added.stdout).toContain('dudao task submit PS-CLI-1/reply');
    await waitFor(async () => (await findInstruction(t.db, 'PS-CLI-1')) !== null);
    const [recorded] = await readStream(t.db, instructionWorkflowId('PS-CLI-1'));
    expect(recorded).toMatchObject({
      type: 'InstructionRecorded',
      data: { evidence: [expect.objectContaining({ name: '批示原件.pdf' })] },
    });

    // The CLI finds the item through visibility: wait until it is listed.
    await waitFor(async () =>
      (await dudao('task', 'list', '--unit', '基教处')).stdout.includes('PS-CLI-1/reply'),
    );
    const submitted = await dudao(
      ...['task', 'submit', 'PS-CLI-1/reply', '--narrative', '方案已拟定'],
      ...['--as', '基教处:unit_staff'],
    );
    expect(submitted.stderr).toBe('');
    const approved = await dudao('review', 'approve', 'PS-CLI-1/reply', '--as', '督导处:inspector');
    expect(approved.stderr).toBe('');

    const shown = await dudao('instruction', 'show', 'PS-CLI-1');
    expect(shown.stdout).toContain('批示领导：王局长');
    expect(shown.stdout).toContain('办理状态：已办结');
    expect(shown.stdout).toContain('批示原件：批示原件.pdf');
    const listed = await dudao('instruction', 'list', '--unit', '基教处');
    expect(listed.stdout).toMatch(/PS-CLI-1.*王局长.*已办结/);
    const report = await dudao('report', 'instructions', '--csv');
    expect(report.stdout).toContain('基教处,1,0,1,0,0,100.0%');
    const missing = await dudao('instruction', 'show', 'NOPE');
    expect(missing.stderr).toContain('找不到领导批示 NOPE');
  });

  it('refuses an account for a unit the plan does not name, listing the plan’s units', async () => {
    const seed = path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt');
    const parsed = parsePlanBytes(fs.readFileSync(seed));
    if (!parsed.ok) throw new Error(parsed.error);
    await importPlan(t.db, parsed.plan, parsed.text, 'seed.txt');
    const refused = await dudao('user', 'add', '新同事', '--role', 'unit_staff', '--unit', '不存在处');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/规划中没有单位“不存在处”，可选：.*基教处/);
    expect(await t.db.selectFrom('users').selectAll().where('username', '=', '新同事').execute()).toEqual([]);
    const added = await dudao('user', 'add', '新同事', '--role', 'unit_staff', '--unit', '基教处');
    expect(added.stdout).toContain('已创建账号 新同事');
  });
});
