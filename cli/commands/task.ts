import type { Command } from 'commander';
import { actorFrom, withActorOption } from '../actor';
import { withTemporal } from '../context';
import { commandAction, endOfShanghaiDay, listProjectViews, shanghai } from '../projects';
import { evidenceFrom, valueFrom } from '../evidence';
import { renderTable, ragDot } from '../table';
import { run } from '../run';
import { milestoneRag } from '../../domain/rag';

const collect = (v: string, acc: string[]) => [...acc, v];
const isContribution = (id: string) => id.includes('/co:');
type Common = { as?: string; cycle?: string };
type SubmitOptions = Common & { narrative: string; value: string[]; evidence: string[] };
type ExtensionOptions = Common & { until: string; reason: string };
const phaseLabel: Record<string, string> = {
  scheduled: '待交办',
  assigned: '办理中',
  submitted: '待审核',
  returned: '退回重办',
  approved: '已通过',
  closed: '已办结',
};

export function registerTaskCommands(program: Command): void {
  const task = program.command('task').description('承办单位：待办、签收、报送、申请延期');

  task
    .command('list')
    .description('本单位的待办事项（交办、期限、状态灯）')
    .requiredOption('--unit <单位>', '单位名称，例如 基教处')
    .option('--cycle <周期编号>', '只看某个督导周期')
    .action((opts) =>
      run(() =>
        withTemporal(async (client) => {
          const rows: string[][] = [];
          for (const { view } of await listProjectViews(client, { unit: opts.unit, cycleId: opts.cycle })) {
            const s = view.state;
            for (const m of s.milestones) {
              for (const a of m.assignments.filter((x) => x.unit === opts.unit)) {
                if (m.phase === 'closed' || m.phase === 'approved') continue;
                const rag = milestoneRag(m, s.policy.maxReturns, s.policy.amberWithin, view.now);
                const todo = a.role === 'lead' ? m.milestoneId : a.assignmentId;
                rows.push([
                  todo,
                  s.title,
                  a.role === 'lead' ? '牵头' : '配合',
                  m.text.slice(0, 24),
                  shanghai(a.dueAt),
                  a.submitted && a.role === 'co'
                    ? '已报送'
                    : (phaseLabel[m.phase] ?? m.phase) + (a.acknowledged ? '' : '·未签收'),
                  ragDot[rag.rag]!,
                  m.lastReturnComment && m.phase === 'returned'
                    ? `退回意见：${m.lastReturnComment}`
                    : rag.reason,
                ]);
              }
            }
          }
          console.log(
            rows.length
              ? renderTable(['事项编号', '项目', '角色', '节点', '期限', '状态', '灯', '说明'], rows)
              : `${opts.unit}暂无待办事项。`,
          );
        }),
      ),
    );

  withActorOption(
    task.command('ack <交办编号>').description('签收交办事项').option('--cycle <周期编号>'),
  ).action(
    commandAction<Common>(
      (id, opts) => ({ type: 'acknowledge', actor: actorFrom(opts), assignmentId: id }),
      (id) => `已签收 ${id}。`,
    ),
  );

  withActorOption(
    task
      .command('submit <事项编号>')
      .description('报送进展：牵头单位报送节点汇总报告；配合单位报送配合材料（编号含 /co:）')
      .requiredOption('--narrative <文字>', '进展说明')
      .option('--value <序号=数值>', '目标值实际完成情况，可多次，例如 --value 1=82', collect, [])
      .option('--evidence <文件|编号=哈希>', '佐证材料，可多次', collect, [])
      .option('--cycle <周期编号>'),
  ).action(
    commandAction<SubmitOptions>(
      (id, opts) => {
        const report = {
          actor: actorFrom(opts),
          narrative: opts.narrative,
          values: opts.value.map(valueFrom),
          evidence: opts.evidence.map(evidenceFrom),
        };
        return isContribution(id)
          ? { type: 'submitContribution', assignmentId: id, ...report }
          : { type: 'submitReport', milestoneId: id, ...report };
      },
      (id) => `已报送 ${id}${isContribution(id) ? '' : '，等待督导处审核'}。`,
    ),
  );

  withActorOption(
    task
      .command('request-extension <节点编号>')
      .description('申请延期（牵头单位）')
      .requiredOption('--until <日期>', '申请的新期限 YYYY-MM-DD')
      .requiredOption('--reason <原因>', '延期原因')
      .option('--cycle <周期编号>'),
  ).action(
    commandAction<ExtensionOptions>(
      (id, opts) => ({
        type: 'requestExtension',
        actor: actorFrom(opts),
        milestoneId: id,
        reason: opts.reason,
        requestedDueAt: endOfShanghaiDay(opts.until),
      }),
      (id, _opts, view) => {
        const request = view.state.milestones.find((m) => m.milestoneId === id)?.extensions.at(-1);
        return `已提交延期申请 ${request?.requestId ?? ''}，等待督导处审批。`;
      },
    ),
  );
}
