import type { Command } from 'commander';
import { shanghaiDate } from '../../domain/calendar';
import { CycleScope } from '../../domain/events';
import { CyclePolicy } from '../../domain/policy';
import { shanghaiYear } from '../../domain/cycle';
import { cycleStatusText } from '../../domain/labels';
import { shanghaiDateTime, shanghaiDay } from '../../domain/shanghai';
import { recurringSchedule } from '../schedules';
import {
  CancelCycleBody,
  ExtendCycleBody,
  StartCycleBody,
  cancel,
  extend,
  showCycle,
  startCycle,
} from '../../app/cycles';
import { actorFrom, withActorOption } from '../actor';
import { readAssessmentRules } from '../assessment-rules';
import { taskQueue, withDatabase, withTemporal } from '../context';
import { renderCycleSummary, renderTable } from '../../reports/table';
import { run } from '../run';
import { integerIn, numberIn } from '../chinese';
import { carryIntoStartedCycle } from '../../app/rectifications';
import { printCarried, registerRectificationCommands } from './rectification';

const list = (v?: string) =>
  v
    ? v
        .split(/[,，、]/)
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
/** `--cadence monthly:25` / `quarterly:25` / `none`: the policy's 定期反馈 cadence. */
export function cadenceFrom(spec: string): { every: 'month' | 'quarter'; day: number } | undefined {
  if (spec === 'none') return undefined;
  const match = /^(monthly|quarterly):(\d{1,2})$/.exec(spec);
  const day = match ? Number(match[2]) : 0;
  if (!match || day < 1 || day > 31)
    throw new Error(`定期反馈节奏“${spec}”不正确：应为 monthly:<日>、quarterly:<日>（日为1到31）或 none`);
  return { every: match[1] === 'monthly' ? 'month' : 'quarter', day };
}

const taskFlowFrom = (v: string): 'light' | 'full' => {
  if (v === 'light' || v === 'full') return v;
  throw new Error(`--task-flow 应为 light 或 full，而不是“${v}”`);
};

const toleranceFrom = (v: number): number => {
  if (!Number.isFinite(v) || v < 0 || v > 100)
    throw new Error('--indicator-tolerance 应为 0 到 100 之间的百分比，例如 5');
  return v / 100;
};

export function registerCycleCommands(program: Command): void {
  const cycle = program.command('cycle').description('督导周期：发起、查看、延长、撤销；周期结束清单与整改');
  registerRectificationCommands(cycle);

  withActorOption(
    cycle
      .command('start')
      .description('发起督导周期（督导处）')
      .requiredOption('--name <名称>', '周期名称，例如 2017年度重大项目专项督导')
      .option('--id <周期编号>', '周期编号（默认由名称和时间生成）')
      .option('--year <年份>', '按年度设定周期窗口', integerIn(2000, 2100))
      .option('--opens <日期>', '开始日期 YYYY-MM-DD')
      .option('--submission-due <日期>', '报送截止 YYYY-MM-DD')
      .option('--review-due <日期>', '审核截止 YYYY-MM-DD')
      .option('--kinds <类型>', '事项类型：major_project,indicator,task', 'major_project')
      .option('--section <章节>', '按章节筛选（逗号分隔）')
      .option('--unit <单位>', '按责任单位筛选（逗号分隔）')
      .option('--items <编号>', '按事项编号筛选（逗号分隔）')
      .option('--drill <秒>', '演练日历：每个规划年压缩为多少秒', numberIn(1, 86_400))
      .option('--max-returns <次数>', '退回多少次后升级督办', integerIn(1, 20))
      .option('--scoring <口径>', '考核口径：original（按原定时间）或 operational（按延期后时间）')
      .option('--assessment <文件>', '考核计分办法（JSON 文件：权重、扣分项、等次分数线），缺省按默认办法')
      .option(
        '--notify-channel <渠道>',
        '单位目录未登记的单位的催办/督办通知渠道：log、webhook、dingtalk、wecom、email',
      )
      .option(
        '--cadence <节奏>',
        '定期反馈：monthly:25（每月25日前）、quarterly:25（每季度末月25日前）或 none',
        cadenceFrom,
      )
      .option(
        '--task-flow <流程>',
        '任务的督办流程：light（每年一次进展报告，不启动督办升级，默认）或 full（同重大项目）',
      )
      .option(
        '--indicator-tolerance <百分比>',
        '主要指标落后计划进度多少以内为黄灯（占当年计划值的百分比，默认 5）',
        Number,
      )
      .option('--plan <规划编号>', '规划编号（默认最近导入的规划）', Number)
      .option('--plan-version <版本>', '规划版本（默认最新）', Number)
      .option('--carry-from <周期编号>', '把该周期未销号的整改结转到新周期继续整改')
      .option('--carry-deadline <日期>', '结转整改的期限 YYYY-MM-DD（默认新周期的报送截止日）'),
    '督导处:inspector',
  ).action((opts) =>
    run(async () => {
      // The same body, validation and start as POST /api/cycles (app/cycles.ts).
      const body = StartCycleBody.parse({
        name: opts.name,
        cycleId: opts.id,
        year: opts.year,
        window:
          opts.year === undefined
            ? { opensAt: opts.opens, submissionDueAt: opts.submissionDue, reviewDueAt: opts.reviewDue }
            : undefined,
        scope: {
          kinds: list(opts.kinds),
          sections: list(opts.section),
          units: list(opts.unit),
          itemIds: list(opts.items),
        },
        policy: {
          ...(opts.maxReturns ? { maxReturns: opts.maxReturns } : {}),
          ...(opts.scoring ? { scoringBaseline: opts.scoring } : {}),
          ...(opts.assessment ? { assessment: readAssessmentRules(opts.assessment) } : {}),
          ...(opts.notifyChannel ? { notifyChannel: opts.notifyChannel } : {}),
          ...(opts.cadence ? { progressCadence: opts.cadence } : {}),
          ...(opts.taskFlow ? { taskFlow: taskFlowFrom(opts.taskFlow) } : {}),
          ...(opts.indicatorTolerance !== undefined
            ? { indicatorTolerance: toleranceFrom(opts.indicatorTolerance) }
            : {}),
        },
        drill: opts.drill ? { yearSeconds: opts.drill } : null,
        planId: opts.plan,
        planVersion: opts.planVersion,
      });
      const actor = actorFrom(opts, '督导处:inspector');
      const started = await withDatabase(
        ({ db }) =>
          withTemporal(async (client) => {
            const deps = { db, client, taskQueue: taskQueue() };
            const result = await startCycle(deps, actor, body);
            console.log(
              `已发起督导周期“${opts.name}”（编号 ${result.cycleId}），共 ${result.items} 个事项。`,
            );
            if (opts.carryFrom) {
              const { carried } = await carryIntoStartedCycle(deps, actor, opts.carryFrom, result.cycleId, {
                deadline: opts.carryDeadline,
              }).catch((err: Error) => {
                throw new Error(
                  `周期已发起，但整改未结转：${err.message}。可用 dudao cycle carry-over ${opts.carryFrom} ${result.cycleId} --deadline <日期> 重试`,
                );
              });
              printCarried(carried, opts.carryFrom, result.cycleId);
            }
            return result;
          }),
        'reader',
      );
      if (started.warning) console.log(started.warning);
      console.log(`查看进度：dudao cycle show ${started.cycleId}`);
    }),
  );

  withActorOption(
    cycle
      .command('schedule')
      .description('设置周期性督导（Temporal Schedule）：每年一轮，或按“以2年为一轮”每两年一轮')
      .requiredOption('--name <名称>', '周期名称（会加上年度），例如 重大项目专项督导')
      .requiredOption('--slug <代号>', '英文代号，用于周期编号，例如 major-projects')
      .option('--every-years <年>', '每几年一轮', integerIn(1, 5), 1)
      .option('--first-year <年份>', '第一轮的年份（默认今年）', integerIn(2000, 2100))
      .option('--kinds <类型>', '事项类型：major_project,indicator,task', 'major_project')
      .option('--unit <单位>', '按责任单位筛选（逗号分隔）')
      .option('--no-carry-over', '每轮发起时不结转上一轮未销号的整改（默认结转）')
      .option(
        '--drill <秒>',
        '仅供演练、演示：各轮周期按演练日历运行，每个规划年压缩为多少秒',
        integerIn(1, 86_400),
      ),
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
              carryOver: opts.carryOver !== false,
              ...(opts.drill ? { drill: { yearSeconds: opts.drill } } : {}),
            },
            taskQueue(),
          ),
        );
        const next = (await handle.describe()).info.nextActionTimes.slice(0, 3);
        console.log(
          `已设置周期性督导 ${handle.scheduleId}：每 ${opts.everyYears} 年一轮，每轮 1 月 1 日（北京时间）发起${
            opts.carryOver === false ? '' : '，发起时结转上一轮未销号的整改'
          }。`,
        );
        console.log(`接下来：${next.map(shanghaiDay).join('、') || '—'}`);
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
              cycleStatusText[wf.status.name] ?? wf.status.name,
              shanghaiDateTime(wf.startTime),
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
          const view = await showCycle(client, id);
          console.log(
            `${view.name}（${view.cycleId}）状态：${cycleStatusText[view.status] ?? view.status}，规划时间 ${shanghaiDate(view.now)}${
              view.status === 'running' || view.status === 'closing' ? '' : '（结束时）'
            }`,
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
      .requiredOption('--submission-due <日期>', '新的报送截止 YYYY-MM-DD')
      .option('--review-due <日期>', '新的审核截止 YYYY-MM-DD')
      .requiredOption('--reason <原因>', '延长原因'),
    '督导处:inspector',
  ).action((id: string, opts) =>
    run(() =>
      withTemporal(async (client) => {
        const view = await extend(
          client,
          actorFrom(opts, '督导处:inspector'),
          id,
          ExtendCycleBody.parse({
            submissionDueAt: opts.submissionDue,
            reviewDueAt: opts.reviewDue,
            reason: opts.reason,
          }),
        );
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
      withDatabase(
        ({ db }) =>
          withTemporal(async (client) => {
            await cancel(
              { db, client },
              actorFrom(opts, '督导处:inspector'),
              id,
              CancelCycleBody.parse(opts).reason,
            );
            console.log(`已撤销督导周期 ${id}。`);
          }),
        'reader',
      ),
    ),
  );
}
