import type { Command } from 'commander';
import { actorFrom, withActorOption } from '../actor';
import { withDatabase } from '../context';
import { commandAction, endOfShanghaiDay } from '../projects';
import { shanghaiDay } from '../../domain/shanghai';
import { board, reviewQueue } from '../../app/views';
import { renderTable } from '../../reports/table';
import { run } from '../run';

type Commented = { as?: string; cycle?: string; comment: string };
const inspectorFrom = (opts: { as?: string }) => actorFrom(opts, '督导处:inspector');

export function registerReviewCommands(program: Command): void {
  const review = program.command('review').description('督导处：审核报告、审批延期、办结销号');

  review
    .command('list')
    .description('待审核的报告、待审批的延期申请和办结申请')
    .option('--cycle <周期编号>')
    .action((opts) =>
      run(() =>
        withDatabase(async ({ db }) => {
          const queue = reviewQueue(await board(db, opts.cycle));
          const reports = queue.reports.map((x) => [
            x.milestoneId,
            x.title,
            x.leadUnit,
            `第${x.round}轮`,
            x.late ? '逾期' : '按时',
            x.values.map((v) => `${v.label}=${v.value}`).join('；') || '—',
            x.narrative.slice(0, 30),
          ]);
          const extensions = queue.extensions.map((x) => [
            x.requestId,
            x.title,
            x.unit,
            shanghaiDay(x.dueAt),
            shanghaiDay(x.requestedDueAt),
            x.reason,
          ]);
          console.log(
            reports.length
              ? renderTable(['节点编号', '项目', '牵头单位', '轮次', '时效', '报送值', '说明'], reports)
              : '暂无待审核的报告。',
          );
          if (extensions.length)
            console.log(
              '\n' + renderTable(['申请编号', '项目', '单位', '原期限', '申请期限', '原因'], extensions),
            );
          const closures = queue.closures.map((x) => [
            `${x.itemId}/${x.requestId}`,
            x.title,
            x.unit,
            `${x.openMilestones.length} 个`,
            `${x.evidence.length} 份`,
            x.narrative.slice(0, 30),
          ]);
          if (closures.length)
            console.log(
              '\n' +
                renderTable(
                  ['办结申请编号', '项目', '牵头单位', '未办结节点', '佐证材料', '办结说明'],
                  closures,
                ),
            );
        }, 'reader'),
      ),
    );

  withActorOption(
    review
      .command('approve <节点编号>')
      .description('审核通过')
      .option('--comment <意见>', '审核意见', '')
      .option('--cycle <周期编号>'),
    '督导处:inspector',
  ).action(
    commandAction<Commented>(
      (id, opts) => ({ type: 'approve', actor: inspectorFrom(opts), milestoneId: id, comment: opts.comment }),
      (id, _opts, view) => {
        const m = view.state.milestones.find((x) => x.milestoneId === id);
        return `已审核通过 ${id}：${m?.outcome === 'met' ? '目标已达成' : '目标未达成'}。`;
      },
    ),
  );

  withActorOption(
    review
      .command('return <节点编号>')
      .description('退回重办')
      .requiredOption('--comment <意见>', '退回意见')
      .option('--cycle <周期编号>'),
    '督导处:inspector',
  ).action(
    commandAction<Commented>(
      (id, opts) => ({ type: 'return', actor: inspectorFrom(opts), milestoneId: id, comment: opts.comment }),
      (id, opts) => `已退回 ${id}，意见：${opts.comment}`,
    ),
  );

  withActorOption(
    review
      .command('extension <申请编号>')
      .description('审批延期申请：--grant [--until 日期] 或 --deny')
      .option('--grant', '同意')
      .option('--deny', '不同意')
      .option('--until <日期>', '批准的新期限（默认按申请）')
      .option('--comment <意见>', '审批意见', '')
      .option('--cycle <周期编号>'),
    '督导处:inspector',
  ).action(
    commandAction<Commented & { grant?: boolean; deny?: boolean; until?: string }>(
      (requestId, opts) => {
        if (Boolean(opts.grant) === Boolean(opts.deny)) throw new Error('请在 --grant 与 --deny 中选择一个');
        return {
          type: 'decideExtension',
          actor: inspectorFrom(opts),
          milestoneId: requestId.replace(/\/ext-\d+$/, ''),
          requestId,
          grant: Boolean(opts.grant),
          comment: opts.comment,
          ...(opts.until ? { newDueAt: endOfShanghaiDay(opts.until) } : {}),
        };
      },
      (requestId, opts) => `${opts.grant ? '已同意' : '已驳回'}延期申请 ${requestId}。`,
    ),
  );

  withActorOption(
    review
      .command('closure <办结申请编号>')
      .description('审批办结申请（编号如 2.1.4.1/closure-1）：--confirm 同意销号，或 --refuse --comment 理由')
      .option('--confirm', '同意销号：未办结的节点按已达标办结，项目办结')
      .option('--refuse', '不同意（须以 --comment 说明理由）')
      .option('--comment <意见>', '审批意见', '')
      .option('--cycle <周期编号>'),
    '督导处:inspector',
  ).action(
    commandAction<Commented & { confirm?: boolean; refuse?: boolean }>(
      (id, opts) => {
        if (Boolean(opts.confirm) === Boolean(opts.refuse))
          throw new Error('请在 --confirm 与 --refuse 中选择一个');
        // Request ids are numbered per project: the argument names the project first.
        const requestId = id.split('/')[1];
        if (!requestId) throw new Error(`办结申请编号“${id}”应为 <项目编号>/closure-<序号>`);
        return {
          type: 'decideClosure',
          actor: inspectorFrom(opts),
          requestId,
          confirm: Boolean(opts.confirm),
          comment: opts.comment,
        };
      },
      (id, opts) =>
        opts.confirm ? `已同意销号 ${id}，项目已办结。` : `未同意办结申请 ${id}，理由：${opts.comment}`,
    ),
  );
}
