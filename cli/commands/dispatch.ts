import type { Command } from 'commander';
import { actorFrom, withActorOption } from '../actor';
import { taskQueue, withDatabase, withTemporal } from '../context';
import { resolveProject } from '../projects';
import { shanghaiDay } from '../../domain/shanghai';
import { renderTable, ragDot } from '../../reports/table';
import { run } from '../run';
import { phaseText } from '../../domain/labels';
import type { ShareView } from '../../app/dispatch-views';

type DispatchOptions = {
  as?: string;
  cycle?: string;
  body: string;
  text: string;
  deadline?: string;
  id?: string;
};

/** 多级下发 under `task`: dispatch a share of a milestone to a body below, and see the shares. */
export function registerDispatchCommands(task: Command): void {
  withActorOption(
    task
      .command('dispatch <节点编号>')
      .description('下发：把本单位承办的节点分解下发给下级单位（各县市区教育局、学校等），各自报送')
      .requiredOption('--body <下级单位>', '下级单位名称（见 dudao unit bodies list）')
      .requiredOption('--text <下发要求>', '下发给该单位的任务要求')
      .option(
        '--deadline <日期>',
        '办理期限 YYYY-MM-DD（默认：上级期限前按督导策略提前，默认5个工作日；只能更早）',
      )
      .option('--id <下发编号>', '下发编号（默认自动生成）')
      .option('--cycle <周期编号>'),
  ).action((milestoneId: string, opts: DispatchOptions) =>
    run(async () => {
      const actor = actorFrom(opts);
      const { dispatchSubAssignment } = await import('../../app/dispatch.js');
      const { projectStateQuery } = await import('../../workflows/messages.js');
      await withDatabase(
        ({ db }) =>
          withTemporal(async (client) => {
            const handle = await resolveProject(client, milestoneId, opts.cycle);
            const { state } = await handle.query(projectStateQuery);
            const added = await dispatchSubAssignment({ db, client, taskQueue: taskQueue() }, actor, {
              subAssignmentId: opts.id,
              cycleId: state.cycleId,
              milestoneId,
              body: opts.body,
              text: opts.text,
              deadline: opts.deadline,
            });
            console.log(
              [
                `已下发 ${added.subAssignmentId} 给${opts.body}，办理期限 ${shanghaiDay(added.deadline)}。`,
                `${opts.body}报送：dudao task submit ${added.milestoneId} --narrative <办理情况> --as ${opts.body}:unit_staff`,
                `${actor.unit}审核：dudao review approve ${added.milestoneId} --as ${actor.unit}:unit_head`,
              ].join('\n'),
            );
          }),
        'reader',
      );
    }),
  );

  withActorOption(
    task
      .command('withdraw <下发编号>')
      .description('撤回下发：撤回本单位下发给下级单位的任务（下级单位已继续下发的，须先由其撤回）')
      .requiredOption('--reason <原因>', '撤回原因'),
  ).action((subAssignmentId: string, opts: { as?: string; reason: string }) =>
    run(async () => {
      const actor = actorFrom(opts);
      const { withdrawShare } = await import('../../app/dispatch-rules.js');
      await withDatabase(
        ({ db }) =>
          withTemporal(async (client) => {
            await withdrawShare({ db, client }, actor, subAssignmentId, opts.reason);
            console.log(`已撤回下发 ${subAssignmentId}：不再需要下级单位报送。`);
          }),
        'reader',
      );
    }),
  );

  withActorOption(
    task
      .command('dispatched <事项编号>')
      .description('下发情况：本单位下发给各下级单位的任务、期限、状态灯、报送值及合计')
      .option('--cycle <周期编号>'),
  ).action((itemId: string, opts: { as?: string; cycle?: string }) =>
    run(async () => {
      const actor = actorFrom(opts);
      const { dispatchView } = await import('../../app/dispatch-views.js');
      const { projectStateQuery } = await import('../../workflows/messages.js');
      const cycleId =
        opts.cycle ??
        (await withTemporal(async (client) => {
          const handle = await resolveProject(client, itemId);
          return (await handle.query(projectStateQuery)).state.cycleId;
        }));
      await withDatabase(async ({ db }) => {
        const view = await dispatchView(db, actor, cycleId, itemId.split('/')[0]!);
        console.log(`${view.title}  ${ragDot[view.rag]} ${view.ragReason}`);
        for (const m of view.milestones) {
          if (m.shares.length === 0) continue;
          console.log(`\n节点 ${m.milestoneId}（期限 ${shanghaiDay(m.dueAt)}）${ragDot[m.rag]} ${m.reason}`);
          const rows: string[][] = [];
          const add = (s: ShareView, depth: number) => {
            rows.push([
              `${'  '.repeat(depth)}${s.milestoneId}`,
              s.body,
              shanghaiDay(s.dueAt),
              phaseText[s.phase] ?? s.phase,
              ragDot[s.rag]!,
              s.reason,
              s.values.map((v) => `${v.label}=${v.value}`).join('；') || '—',
            ]);
            for (const c of s.children) add(c, depth + 1);
          };
          for (const s of m.shares) add(s, 0);
          console.log(renderTable(['下发编号', '承办单位', '期限', '状态', '灯', '说明', '报送值'], rows));
          console.log(
            `已报送 ${m.reported}/${m.shares.length}` +
              (m.sums.length
                ? `；合计：${m.sums.map((x) => `${x.label} ${x.sum}（${x.reporters}家）`).join('；')}`
                : ''),
          );
        }
      }, 'reader');
    }),
  );
}
