import type { Command } from 'commander';
import { actorFrom, withActorOption } from '../actor';
import { withDatabase } from '../context';
import { commandAction, endOfShanghaiDay } from '../projects';
import { shanghaiDay } from '../../domain/shanghai';
import { closureInbox, inbox, periodInbox } from '../../app/views';
import { citeEvidence, evidenceFrom, valueFrom } from '../evidence';
import { renderTable, ragDot } from '../../reports/table';
import { run } from '../run';
import { calendarGapText, phaseText, stuckText } from '../../domain/labels';
import { assertKnownUnit } from '../../app/units';
import { registerDispatchCommands } from './dispatch';
import { dispatchReviewQueue } from '../../app/dispatch-views';
import { requireDataSource } from '../../app/indicators';
import { withDataSource } from '../../domain/yearly-items';

const collect = (v: string, acc: string[]) => [...acc, v];

/** `--evidence`, repeatable: a local file (uploaded first) or a hash the unit may cite. */
const EVIDENCE_OPTION = [
  '--evidence <文件|编号=哈希>',
  '佐证材料，可多次：本地文件（先上传）或本单位已上传、该项目已有材料的哈希',
  collect,
  [] as string[],
] as const;

const isContribution = (id: string) => id.includes('/co:');
type Common = { as?: string; cycle?: string };
type SubmitOptions = Common & { narrative: string; value: string[]; evidence: string[]; source?: string };
type ExtensionOptions = Common & { until: string; reason: string };
type ClosureOptions = Common & { narrative: string; evidence: string[] };

export function registerTaskCommands(program: Command): void {
  const task = program.command('task').description('承办单位：待办、签收、报送、申请延期、申请办结、下发');
  registerDispatchCommands(task);

  task
    .command('list')
    .description('本单位的待办事项（交办、期限、状态灯）')
    .requiredOption('--unit <单位>', '单位名称，例如 基教处')
    .option('--cycle <周期编号>', '只看某个督导周期')
    .action((opts) =>
      run(() =>
        withDatabase(async ({ db }) => {
          await assertKnownUnit(db, opts.unit);
          const rows = (await inbox(db, opts.unit, opts.cycle)).map((i) => [
            i.role === 'lead' ? i.milestoneId : i.assignmentId,
            i.title,
            i.role === 'lead' ? '牵头' : '配合',
            i.milestoneText.slice(0, 24),
            shanghaiDay(i.dueAt),
            i.phase === 'contributed'
              ? '已报送'
              : (phaseText[i.phase] ?? i.phase) + (i.acknowledged ? '' : '·未签收'),
            ragDot[i.rag]!,
            (i.returnComment ? `退回意见：${i.returnComment}` : i.ragReason) +
              (i.stuck ? `（${stuckText[i.stuck.problem]}）` : '') +
              (i.calendarGap ? `（${calendarGapText(i.calendarGap)}）` : ''),
          ]);
          for (const p of await periodInbox(db, opts.unit, opts.cycle))
            rows.push([
              p.periodId,
              p.title,
              '牵头',
              `定期反馈·${p.label}`,
              shanghaiDay(p.dueAt),
              p.overdue ? '逾期待报' : '待反馈',
              p.overdue ? ragDot.red! : ragDot.green!,
              p.overdue ? `${shanghaiDay(p.missAt)} 前未报送将计为未按期反馈` : '按期报送本期进展',
            ]);
          // Reports of the shares this unit dispatched wait for its own review (多级下发).
          for (const r of await dispatchReviewQueue(db, opts.unit))
            rows.push([
              `${r.subAssignmentId}/reply`,
              r.text.slice(0, 20),
              '下发',
              `${r.body}的报告`,
              shanghaiDay(r.dueAt),
              '待本单位审核',
              ragDot.green!,
              `dudao review approve ${r.subAssignmentId}/reply --as ${opts.unit}:unit_head`,
            ]);
          for (const c of await closureInbox(db, opts.unit, opts.cycle))
            if (c.pending)
              rows.push([
                `${c.itemId}/${c.pending.requestId}`,
                c.title,
                '牵头',
                '办结申请',
                '—',
                '待督导处审批',
                ragDot.green!,
                c.pending.narrative.slice(0, 40),
              ]);
          console.log(
            rows.length
              ? renderTable(['事项编号', '项目', '角色', '节点', '期限', '状态', '灯', '说明'], rows)
              : `${opts.unit}暂无待办事项。`,
          );
        }, 'reader'),
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
      .option('--source <数据来源>', '数值的数据来源（主要指标必填），例如 2017年教育事业统计年报')
      .option(...EVIDENCE_OPTION)
      .option('--cycle <周期编号>'),
  ).action(
    commandAction<SubmitOptions>(
      (id, opts) => {
        const report = {
          actor: actorFrom(opts),
          narrative: withDataSource(opts.narrative, opts.source),
          values: opts.value.map(valueFrom),
          evidence: opts.evidence.map(evidenceFrom),
        };
        return isContribution(id)
          ? { type: 'submitContribution', assignmentId: id, ...report }
          : { type: 'submitReport', milestoneId: id, ...report };
      },
      // A share's report (多级下发) waits for the unit that dispatched it, not 督导处.
      (id, _opts, view) =>
        `已报送 ${id}${isContribution(id) ? '' : `，等待${view.state.reviewUnit ?? '督导处'}审核`}。`,
      // Local files are uploaded as the unit; any other hash must be the unit's or the project's.
      async (opts, command, project) => {
        requireDataSource(project.kind, command);
        await citeEvidence(opts.evidence, command.actor, project);
      },
    ),
  );

  withActorOption(
    task
      .command('progress <期次编号>')
      .description('定期反馈：牵头单位按期报送本期进展（期次编号见 task list）')
      .requiredOption('--narrative <文字>', '本期进展')
      .option('--value <序号=数值>', '目标值当前完成情况，可多次，例如 --value 1=82', collect, [])
      .option(...EVIDENCE_OPTION)
      .option('--cycle <周期编号>'),
  ).action(
    commandAction<SubmitOptions>(
      (id, opts) => ({
        type: 'submitProgress',
        actor: actorFrom(opts),
        periodId: id,
        narrative: opts.narrative,
        values: opts.value.map(valueFrom),
        evidence: opts.evidence.map(evidenceFrom),
      }),
      (id, _opts, view) => {
        const p = view.state.periods?.find((x) => x.periodId === id);
        return `已报送${p?.label ?? id}的进展${p?.late ? '（已过反馈期限，计为逾期反馈）' : ''}。`;
      },
      (opts, command, project) => citeEvidence(opts.evidence, command.actor, project),
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

  withActorOption(
    task
      .command('close-request <项目编号>')
      .description('申请办结（牵头单位）：事项已提前完成，附佐证材料请督导处销号')
      .requiredOption('--narrative <文字>', '办结说明：完成情况及依据')
      .option(...EVIDENCE_OPTION)
      .option('--cycle <周期编号>'),
  ).action(
    commandAction<ClosureOptions>(
      (_id, opts) => ({
        type: 'requestClosure',
        actor: actorFrom(opts),
        narrative: opts.narrative,
        evidence: opts.evidence.map(evidenceFrom),
      }),
      (id, _opts, view) =>
        `已提交办结申请 ${id}/${view.state.closures?.at(-1)?.requestId ?? ''}，等待督导处审批销号。`,
      (opts, command, project) => citeEvidence(opts.evidence, command.actor, project),
    ),
  );
}
