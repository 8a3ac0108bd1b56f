import fs from 'node:fs';
import { replayEverything } from './replay-everything';

export default async function globalTeardown(): Promise<void> {
  try {
    const address = process.env.TEST_TEMPORAL_ADDRESS;
    if (address && !process.env.TEMPORAL_ADDRESS) {
      const { runs, failures } = await replayEverything(address);
      console.log(
        `\n回放本次集成测试的全部 ${runs} 个工作流运行：${failures.length === 0 ? '全部确定' : `${failures.length} 个不确定`}`,
      );
      if (failures.length > 0) throw new Error(`nondeterministic runs:\n${failures.join('\n')}`);
    }
  } finally {
    await globalThis.__dudaoTemporal?.stop();
    const dir = process.env.TEST_SCRATCH_DIR;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
