import type { Command } from 'commander';
import { startStack, type RunningStack } from '../../stack/stack';
import { redactDatabaseUrl } from '../../stack/postgres';
import { run } from '../run';

export function printBanner(stack: RunningStack): void {
  console.log('');
  console.log('督导 dudao 已就绪');
  console.log(`  Temporal 服务   ${stack.temporal.address}（命名空间 ${stack.temporal.namespace}）`);
  if (stack.temporal.uiUrl) console.log(`  Temporal 界面   ${stack.temporal.uiUrl}`);
  console.log(`  数据库         ${redactDatabaseUrl(stack.postgres.url)}`);
  console.log(`  任务队列       ${stack.taskQueue}`);
  console.log('  按 Ctrl-C 停止。');
}

/** Waits for Ctrl-C (or SIGTERM), then stops everything that was started. */
export async function holdUntilSignalled(stack: RunningStack): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void stack.running.then(stop, stop);
  });
  console.log('\n正在停止……');
  await stack.stop();
  console.log('已停止。再次运行 dudao up 即可继续所有进行中的流程。');
}

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('启动或连接 Temporal 与数据库，执行迁移，启动 worker（已有流程自动续办）')
    .action(() =>
      run(async () => {
        const stack = await startStack((l) => console.log(l));
        printBanner(stack);
        await holdUntilSignalled(stack);
      }),
    );
}
