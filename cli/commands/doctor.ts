/**
 * dudao doctor: what cannot make progress. Lists every running workflow whose task keeps failing
 * (and, with --queries, every project that does not answer its query), since when and why, and
 * records it in `workflow_health` so the board and the task lists mark it.
 */
import type { Command } from 'commander';
import { withDatabase, withTemporal } from '../context';
import { renderTable } from '../../reports/table';
import { shanghaiDateTime } from '../../domain/shanghai';
import { run } from '../run';
import { findStuck, recordHealth, type StuckWorkflow } from '../../app/health';

const problemLabel: Record<StuckWorkflow['problem'], string> = {
  task_failing: '工作流任务反复失败',
  query_failing: '无法查询状态',
};

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('检查卡住的督办流程：任务反复失败或无法查询的工作流，原因及开始时间')
    .option('--cycle <周期编号>', '只检查一个督导周期')
    .option('--queries', '同时逐个查询项目状态（项目多时较慢）')
    .option('--json', '以 JSON 输出')
    .action((opts: { cycle?: string; queries?: boolean; json?: boolean }) =>
      run(async () => {
        const sweep = await withTemporal((client) =>
          findStuck(client, { checkQueries: Boolean(opts.queries) }),
        );
        await withDatabase(({ db }) => recordHealth(db, sweep));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(sweep.stuck, null, 2)}\n`);
        } else if (sweep.stuck.length === 0) {
          console.log(`检查了 ${sweep.examined.length} 个进行中的工作流：全部正常。`);
        } else {
          console.log(
            renderTable(
              ['工作流', '周期', '事项', '问题', '开始于', '重试次数', '错误'],
              sweep.stuck.map((s) => [
                s.workflowId,
                s.cycleId ?? '—',
                s.itemId ?? '—',
                problemLabel[s.problem],
                shanghaiDateTime(s.since),
                s.attempts || '—',
                s.detail.split('\n')[0]!.slice(0, 120),
              ]),
            ),
          );
          console.log(
            `\n检查了 ${sweep.examined.length} 个进行中的工作流，${sweep.stuck.length} 个卡住。` +
              '请查看 worker 日志中的错误；若为代码缺陷，修复并部署后 Temporal 会自动重试这些任务。',
          );
        }
        if (sweep.stuck.length > 0) process.exitCode = 1;
      }),
    );
}
