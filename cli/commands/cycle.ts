import type { Command } from 'commander';
import { shanghaiDate } from '../../domain/calendar';
import { planNow } from '../../domain/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { z } from 'zod';
import { CycleScope, CycleWindow, type Drill } from '../../domain/events';
import { CyclePolicy } from '../../domain/policy';
import { selectItems, shanghaiYear, toCycleItem, yearWindow } from '../../domain/cycle';
import { recurringSchedule } from '../schedules';
import { loadPlanVersion } from '../../seeds/import';
import { inspectionCycleWorkflow, type CycleWorkflowInput } from '../../workflows/cycle';
import { cancelCycle, cycleStateQuery, extendCycle } from '../../workflows/messages';
import { actorFrom, withActorOption } from '../actor';
import { taskQueue, withDatabase, withTemporal } from '../context';
import { renderCycleSummary, renderTable } from '../table';
import { run } from '../run';

export const cycleWorkflowId = (cycleId: string): string => `cycle-${cycleId}`;

const list = (v?: string) =>
  v
    ? v
        .split(/[,，、]/)
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
const isoDate = (label: string) => (v: string) => {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59+08:00` : v;
  if (Number.isNaN(Date.parse(d))) throw new Error(`${label}“${v}”不是有效日期（YYYY-MM-DD）`);
  return new Date(d).toISOString();
};

export interface StartCycleOptions {
  name: string;
  cycleId: string;
  window: CycleWindow;
  scope: CycleScope;
  policy: CyclePolicy;
  drill: Drill | null;
  planId?: number;
  planVersion?: number;
}

/** Builds the cycle's input from the stored plan: the items its scope selects, slimmed for the workflow. */
export async function buildCycleInput(
  o: StartCycleOptions,
  startedBy: CycleWorkflowInput['startedBy'],
  db?: Kysely<Database>,
): Promise<CycleWorkflowInput> {
  const { planId, version, plan } = db
    ? await loadPlanVersion(db, o.planId, o.planVersion)
    : await withDatabase(({ db: opened }) => loadPlanVersion(opened, o.planId, o.planVersion));
  const items = selectItems(plan.items, o.scope).map(toCycleItem);
  if (items.length === 0)
    throw new Error('所选范围内没有带责任单位的事项，请调整 --kinds/--section/--unit/--items');
  return {
    cycleId: o.cycleId,
    name: o.name,
    planId: String(planId),
    planVersion: version,
    scope: o.scope,
    window: o.window,
    policy: o.policy,
    drill: o.drill,
    items,
    startedBy,
  };
}

export function registerCycleCommands(program: Command): void {
  const cycle = program.command('cycle').description('督导周期：发起、查看、延长、撤销');

  withActorOption(
    cycle
      .command('start')
      .description('发起督导周期（督导处）')
      .requiredOption('--name <名称>', '周期名称，例如 2017年度重大项目专项督导')
      .option('--id <周期编号>', '周期编号（默认由名称和时间生成）')
      .option('--year <年份>', '按年度设定周期窗口', (v) =>
        z.coerce.number().int().min(2000).max(2100).parse(v),
      )
      .option('--opens <日期>', '开始日期 YYYY-MM-DD', isoDate('开始日期'))
      .option('--submission-due <日期>', '报送截止 YYYY-MM-DD', isoDate('报送截止'))
      .option('--review-due <日期>', '审核截止 YYYY-MM-DD', isoDate('审核截止'))
      .option('--kinds <类型>', '事项类型：major_project,indicator,task', 'major_project')
      .option('--section <章节>', '按章节筛选（逗号分隔）')
      .option('--unit <单位>', '按责任单位筛选（逗号分隔）')
      .option('--items <编号>', '按事项编号筛选（逗号分隔）')
      .option('--drill <秒>', '演练日历：每个规划年压缩为多少秒', Number)
      .option('--max-returns <次数>', '退回多少次后升级督办', Number)
      .option('--scoring <口径>', '考核口径：original（按原定时间）或 operational（按延期后时间）')
      .option('--plan <规划编号>', '规划编号（默认最近导入的规划）', Number)
      .option('--plan-version <版本>', '规划版本（默认最新）', Number),
    '督导处:inspector',
  ).action((opts) =>
    run(async () => {
      const actor = actorFrom(opts, '督导处:inspector');
      const policy = CyclePolicy.parse({
        ...(opts.maxReturns ? { maxReturns: opts.maxReturns } : {}),
        ...(opts.scoring ? { scoringBaseline: opts.scoring } : {}),
      });
      const window = opts.year
        ? yearWindow(opts.year, 1, policy.holidayRule)
        : CycleWindow.parse({
            opensAt: opts.opens,
            submissionDueAt: opts.submissionDue,
            reviewDueAt: opts.reviewDue,
          });
      const scope = CycleScope.parse({
        kinds: list(opts.kinds),
        sections: list(opts.section),
        units: list(opts.unit),
        itemIds: list(opts.items),
      });
      const cycleId = opts.id ?? `${opts.year ?? window.opensAt.slice(0, 4)}-${Date.now().toString(36)}`;
      const input = await buildCycleInput(
        {
          name: opts.name,
          cycleId,
          window,
          scope,
          policy,
          drill: opts.drill ? { yearSeconds: opts.drill } : null,
          planId: opts.plan,
          planVersion: opts.planVersion,
        },
        actor,
      );
      await withTemporal(async (client) => {
        await client.workflow.start(inspectionCycleWorkflow, {
          taskQueue: taskQueue(),
          workflowId: cycleWorkflowId(cycleId),
          args: [input],
        });
      });
      console.log(`已发起督导周期“${opts.name}”（编号 ${cycleId}），共 ${input.items.length} 个事项。`);
      console.log(`查看进度：dudao cycle show ${cycleId}`);
    }),
  );

  withActorOption(
    cycle
      .command('schedule')
      .description('设置周期性督导（Temporal Schedule）：每年一轮，或按“以2年为一轮”每两年一轮')
      .requiredOption('--name <名称>', '周期名称（会加上年度），例如 重大项目专项督导')
      .requiredOption('--slug <代号>', '英文代号，用于周期编号，例如 major-projects')
      .option('--every-years <年>', '每几年一轮', (v) => z.coerce.number().int().min(1).max(5).parse(v), 1)
      .option('--first-year <年份>', '第一轮的年份（默认今年）', (v) =>
        z.coerce.number().int().min(2000).max(2100).parse(v),
      )
      .option('--kinds <类型>', '事项类型：major_project,indicator,task', 'major_project')
      .option('--unit <单位>', '按责任单位筛选（逗号分隔）'),
    '督导处:inspector',
  ).action((opts) =>
    run(async () => {
      const actor = actorFrom(opts, '督导处:inspector');
      if (actor.role !== 'inspector') throw new Error('只有督导处可以设置周期性督导');
      const scope = CycleScope.parse({ kinds: list(opts.kinds), units: list(opts.unit) });
      const firstYear = opts.firstYear ?? shanghaiYear(new Date().toISOString());
      await withTemporal(async (client) => {
        const handle = await client.schedule.create(
          recurringSchedule(
            {
              slug: opts.slug,
              name: opts.name,
              everyYears: opts.everyYears,
              firstYear,
              scope,
              policy: CyclePolicy.parse({}),
              startedBy: actor,
            },
            taskQueue(),
          ),
        );
        const next = (await handle.describe()).info.nextActionTimes.slice(0, 3);
        console.log(
          `已设置周期性督导 ${handle.scheduleId}：每 ${opts.everyYears} 年一轮，每轮 1 月 1 日（北京时间）发起。`,
        );
        console.log(
          `接下来：${next.map((d) => d.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })).join('、') || '—'}`,
        );
      });
    }),
  );

  cycle
    .command('list')
    .description('列出督导周期')
    .action(() =>
      run(() =>
        withTemporal(async (client) => {
          const rows: string[][] = [];
          for await (const wf of client.workflow.list({
            query: `WorkflowType = 'inspectionCycleWorkflow'`,
          })) {
            rows.push([
              wf.workflowId.replace(/^cycle-/, ''),
              statusLabel(wf.status.name),
              wf.startTime.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }),
            ]);
          }
          console.log(
            rows.length
              ? renderTable(['周期编号', '状态', '发起时间'], rows)
              : '暂无督导周期。用 dudao cycle start 发起。',
          );
        }),
      ),
    );

  cycle
    .command('show <周期编号>')
    .description('查看督导周期进度')
    .action((id: string) =>
      run(() =>
        withTemporal(async (client) => {
          const view = await client.workflow.getHandle(cycleWorkflowId(id)).query(cycleStateQuery);
          console.log(
            `${view.name}（${view.cycleId}）状态：${view.status}，规划时间 ${shanghaiDate(planNow(view.clock, Date.now()))}`,
          );
          console.log(
            `窗口：${shanghaiDate(view.window.opensAt)} 至 报送 ${shanghaiDate(view.window.submissionDueAt)}，审核 ${shanghaiDate(view.window.reviewDueAt)}`,
          );
          console.log(`项目：${view.projects.filter((p) => p.done).length}/${view.projects.length} 已办结`);
          if (view.summary) {
            console.log(renderCycleSummary(view.summary));
          }
        }),
      ),
    );

  withActorOption(
    cycle
      .command('extend <周期编号>')
      .description('延长督导周期（督导处）')
      .requiredOption('--submission-due <日期>', '新的报送截止 YYYY-MM-DD', isoDate('报送截止'))
      .option('--review-due <日期>', '新的审核截止 YYYY-MM-DD', isoDate('审核截止'))
      .requiredOption('--reason <原因>', '延长原因'),
    '督导处:inspector',
  ).action((id: string, opts) =>
    run(() =>
      withTemporal(async (client) => {
        const handle = client.workflow.getHandle(cycleWorkflowId(id));
        const current = await handle.query(cycleStateQuery);
        const window = {
          ...current.window,
          submissionDueAt: opts.submissionDue,
          reviewDueAt: opts.reviewDue ?? maxIso(current.window.reviewDueAt, opts.submissionDue),
        };
        const view = await handle.executeUpdate(extendCycle, {
          args: [{ actor: actorFrom(opts, '督导处:inspector'), window, reason: opts.reason }],
        });
        console.log(
          `已延长：报送截止 ${shanghaiDate(view.window.submissionDueAt)}，审核截止 ${shanghaiDate(view.window.reviewDueAt)}`,
        );
      }),
    ),
  );

  withActorOption(
    cycle
      .command('cancel <周期编号>')
      .description('撤销督导周期（督导处）')
      .requiredOption('--reason <原因>', '撤销原因'),
    '督导处:inspector',
  ).action((id: string, opts) =>
    run(() =>
      withTemporal(async (client) => {
        await client.workflow.getHandle(cycleWorkflowId(id)).executeUpdate(cancelCycle, {
          args: [{ actor: actorFrom(opts, '督导处:inspector'), reason: opts.reason }],
        });
        console.log(`已撤销督导周期 ${id}。`);
      }),
    ),
  );
}

const maxIso = (a: string, b: string) => (Date.parse(a) > Date.parse(b) ? a : b);
const statusLabel = (s: string) =>
  ({ RUNNING: '进行中', COMPLETED: '已结束', CANCELLED: '已撤销', TERMINATED: '已终止', FAILED: '失败' })[
    s
  ] ?? s;
