import type { Command } from 'commander';
import exitHook from 'async-exit-hook';
import { startStack, type RunningStack } from '../../stack/stack';
import { redactDatabaseUrl } from '../../stack/postgres';
import { run } from '../run';

/** What is running where; `extra` lines (already indented) go before the Ctrl-C line. */
export function printBanner(stack: RunningStack, extra: string[] = []): void {
  console.log('');
  console.log('督导 dudao 已就绪');
  console.log(`  Temporal 服务   ${stack.temporal.address}（命名空间 ${stack.temporal.namespace}）`);
  if (stack.temporal.uiUrl) console.log(`  Temporal 界面   ${stack.temporal.uiUrl}`);
  console.log(`  数据库         ${redactDatabaseUrl(stack.postgres.url)}`);
  console.log(`  任务队列       ${stack.taskQueue}`);
  console.log(`  网页工作台     ${stack.webUrl}`);
  for (const line of extra) console.log(line);
  console.log('  按 Ctrl-C 停止。');
}

/**
 * Runs until Ctrl-C (or SIGTERM), then stops everything that was started, in order. The stop is an
 * exit hook: the embedded PostgreSQL registers one too, and the process ends only when both are
 * done, instead of when the first hook finishes.
 */
export async function holdUntilSignalled(
  stack: { running: Promise<unknown>; stop(): Promise<void> },
  again = 'dudao up',
): Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      console.log('\n正在停止……');
      await stack.stop();
      console.log(`已停止。再次运行 ${again} 即可继续所有进行中的流程。`);
    })());
  exitHook.forceExitTimeout(30_000);
  exitHook((done) => void stop().finally(done));
  await stack.running.catch(() => undefined);
  await stop();
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
