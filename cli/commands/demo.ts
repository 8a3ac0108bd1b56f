import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { shanghaiDate } from '../../domain/calendar';
import { planNow } from '../../domain/clock';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { startStack } from '../../stack/stack';
import { repoRoot, dataDir } from '../../stack/paths';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { importPlan } from '../../seeds/import';
import { defaultPolicy } from '../../domain/policy';
import { buildCycleInput } from '../../app/cycles';
import { cycleWorkflowId } from '../../workflows/ids';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { cycleStateQuery } from '../../workflows/messages';
import { listProjectViews, queryProject } from '../../app/projects';
import { act, behaviourFor, nextAction, type Simulation } from '../demo/simulated-units';
import { closeTheDrill, storeAttacher } from '../demo/rectification-round';
import type { ClockAnchor } from '../../domain/clock';
import { holdUntilSignalled, printBanner } from './up';
import type { RunningStack } from '../../stack/stack';
import { renderCycleSummary } from '../../reports/table';
import { run } from '../run';
import type { Principal } from '../../domain/principal';
import { signingClientOptions } from '../../app/signing';

export const SEED_FILE = path.join(repoRoot, 'seeds', 'quzhou-education-13th-fyp-task-division.txt');

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('演示：导入规划，以演练日历督导全部16个重大项目（2016—2020），模拟各单位办理')
    .option('--year-seconds <秒>', '演练日历：每个规划年用多少秒', Number, 12)
    .option('--exit', '演示结束后停止服务（默认保持运行以便查看）')
    .option('--again', '已有演示周期时仍重新演练一遍（默认沿用已有的演示周期）')
    .option('--seed <种子>', '模拟各单位报送数值和整改的随机种子（同一种子，同样的结果）', 'dudao-demo')
    .action((opts) =>
      run(async () => {
        const notices = path.join(dataDir(), 'notifications.log');
        fs.mkdirSync(dataDir(), { recursive: true });
        const stack = await startStack(
          (l) => console.log(l),
          (line) => fs.appendFileSync(notices, `${line}\n`),
        );
        try {
          await runDemo(stack, opts.yearSeconds, notices, Boolean(opts.again), String(opts.seed));
        } catch (err) {
          await stack.stop();
          throw err;
        }
        if (opts.exit) {
          await stack.stop();
          return;
        }
        printBanner(stack, [
          `  进行中的演示周期：${ONGOING_NAME}，各单位、督导处都有待办。`,
          '  试试：dudao task list --unit 基教处 ｜ dudao review list ｜ dudao cycle list',
        ]);
        await holdUntilSignalled(stack);
      }),
    );
}

async function runDemo(
  stack: RunningStack,
  yearSeconds: number,
  notices: string,
  again: boolean,
  seed: string,
): Promise<void> {
  const { db } = stack.database;
  const parsed = parsePlanBytes(fs.readFileSync(SEED_FILE));
  if (!parsed.ok) throw new Error(parsed.error);
  const imported = await importPlan(db, parsed.plan, parsed.text, path.basename(SEED_FILE));
  console.log(`规划：${parsed.plan.title}（第 ${imported.version} 版，${parsed.plan.items.length} 个条目）`);

  const inspector: Principal = { userId: '督导处-演示', role: 'inspector', unit: '督导处' };
  const connection = await Connection.connect(stack.temporal.connectionOptions);
  const client = new Client({
    connection,
    namespace: stack.temporal.namespace,
    ...signingClientOptions(stack.signer),
  });
  try {
    const earlier = await demoCycles(db);
    if (earlier.drill && !again) {
      console.log(
        `沿用已有的演练周期 ${earlier.drill}（dudao cycle show ${earlier.drill}）；要再演练一遍：dudao demo --again`,
      );
      const documents = path.join(dataDir(), 'demo');
      if (fs.existsSync(path.join(documents, '通报.docx')))
        console.log(`演练的整改通知和考核结果通报（Word）在 ${documents}`);
    } else await runDrill(stack, client, imported, inspector, yearSeconds, notices, seed);
    if (earlier.ongoing) console.log(`沿用进行中的演示周期 ${earlier.ongoing}。`);
    else await startOngoingCycle(stack, client, imported, inspector);
  } finally {
    await connection.close();
  }
}

type Imported = Awaited<ReturnType<typeof importPlan>>;

/** The demo cycles already in the database: the newest drill, and the ongoing one if still open. */
async function demoCycles(db: RunningStack['database']['db']): Promise<{ drill?: string; ongoing?: string }> {
  const rows = await db
    .selectFrom('cycles')
    .select(['cycle_id', 'status'])
    .where('cycle_id', 'like', 'demo-%')
    .orderBy('started_at', 'desc')
    .execute();
  return {
    drill: rows.find((r) => !r.cycle_id.startsWith(ONGOING_PREFIX))?.cycle_id,
    ongoing: rows.find((r) => r.cycle_id.startsWith(ONGOING_PREFIX) && r.status === 'open')?.cycle_id,
  };
}

const stamp = (): string => new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');

async function runDrill(
  stack: RunningStack,
  client: Client,
  imported: Imported,
  inspector: Principal,
  yearSeconds: number,
  notices: string,
  seed: string,
): Promise<void> {
  const { db } = stack.database;
  const cycleId = `demo-${stamp()}`;
  const sim: Simulation = { seed, shortfallRate: SHORTFALL_RATE };
  const evidence = { db, dataDir: dataDir() };
  const input = await buildCycleInput(
    {
      name: '“十三五”重大项目专项督导（演练）',
      cycleId,
      window: {
        opensAt: '2015-12-31T16:00:00.000Z',
        submissionDueAt: '2020-12-31T09:00:00.000Z',
        reviewDueAt: '2021-03-31T09:00:00.000Z',
      },
      scope: { kinds: ['major_project'] },
      policy: defaultPolicy(),
      drill: { yearSeconds },
      planId: imported.planId,
      planVersion: imported.version,
    },
    inspector,
    db,
  );
  const started = Date.now();
  const cycle = await client.workflow.start(inspectionCycleWorkflow, {
    taskQueue: stack.taskQueue,
    workflowId: cycleWorkflowId(cycleId),
    args: [input],
  });
  console.log(
    `已发起督导周期 ${cycleId}：${input.items.length} 个重大项目，演练日历每年 ${yearSeconds} 秒。`,
  );
  const behaviours = new Map(input.items.map((item, i) => [item.itemId, behaviourFor(i)]));
  const progress = progressLine();
  let finished = false;
  let clock: ClockAnchor | null = null;
  const result = cycle.result().finally(() => {
    finished = true;
  });
  while (!finished) {
    const views = await listProjectViews(client, { cycleId });
    await Promise.all(
      views.map(async ({ workflowId, view }) => {
        const command = nextAction(view, behaviours.get(view.state.projectId) ?? 'on_time', sim);
        if (command) await act(client, workflowId, command, storeAttacher(evidence, view));
      }),
    );
    const state = await cycle.query(cycleStateQuery).catch(() => null);
    if (state) {
      clock = state.clock;
      // Colours of the projects the cycle still counts open, so the counts add up to the total.
      const open = new Set(state.projects.filter((p) => !p.done).map((p) => p.workflowId));
      const running = views.filter(({ workflowId }) => open.has(workflowId));
      const rag = { red: 0, amber: 0, green: 0 };
      for (const { view } of running) rag[view.rag.rag]++;
      const done = state.projects.filter((p) => p.done).length;
      progress(
        `规划时间 ${shanghaiDate(planNow(state.clock, Date.now()))}  已办结 ${done}/${state.projects.length}  ` +
          `推进中 ${open.size}（🔴${rag.red} 🟡${rag.amber} 🟢${rag.green}${
            running.length < open.size ? ` 查询中${open.size - running.length}` : ''
          }）`,
        `${done}`,
      );
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const summary = await result;
  progress.end();
  console.log(renderCycleSummary(summary));
  const counts = await sql<{ events: string; notifications: string }>`
    SELECT (SELECT count(*) FROM events WHERE cycle_id = ${cycleId}) AS events,
           (SELECT count(*) FROM notifications WHERE cycle_id = ${cycleId}) AS notifications`.execute(db);
  const c = counts.rows[0]!;
  console.log(
    `\n演练完成，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒：${input.items.length + 1} 个工作流，${c.events} 个领域事件，${c.notifications} 条催办/督办通知（${notices}）。`,
  );
  if (!clock) throw new Error(`无法读取督导周期 ${cycleId} 的演练时钟`);
  const end = await closeTheDrill(
    { db, client, taskQueue: stack.taskQueue, dataDir: dataDir() },
    { cycleId, clock, inspector, sim, roundSeconds: RECTIFICATION_ROUND_SECONDS },
    path.join(dataDir(), 'demo'),
  );
  console.log(
    `周期结束清单：下发整改 ${end.issued} 项；整改到位销号 ${end.struckOff} 项，逾期未整改 ${end.unrectified} 项。`,
  );
  console.log(`整改通知（Word）：${end.notice}`);
  console.log(`考核结果通报（Word）：${end.bulletin}`);
  console.log(`演练总用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒。`);
  console.log(
    `查看：dudao cycle show ${cycleId} ｜ dudao cycle close-out ${cycleId} ｜ dudao report lineage ｜ dudao cycle rectifications --cycle ${cycleId}`,
  );
}

/** The share of the milestones of units otherwise on time that the simulation reports short of target. */
const SHORTFALL_RATE = 0.12;
/** Real seconds the demo's 整改 round runs: its 整改期限 is that far ahead in the drill's plan time. */
const RECTIFICATION_ROUND_SECONDS = 8;

/**
 * One progress line, redrawn in place on a terminal; into a log (stdout not a terminal) a new line
 * only when `key` changes or ten seconds have passed, so the log reads as a history.
 */
function progressLine(): ((line: string, key: string) => void) & { end(): void } {
  const tty = Boolean(process.stdout.isTTY);
  let lastKey = '';
  let lastAt = 0;
  const show = (line: string, key: string) => {
    if (tty) {
      process.stdout.write(`\r${line}   `);
      return;
    }
    if (key === lastKey && Date.now() - lastAt < 10_000) return;
    lastKey = key;
    lastAt = Date.now();
    console.log(line);
  };
  return Object.assign(show, { end: () => void (tty && process.stdout.write('\n\n')) });
}

const ONGOING_PREFIX = 'demo-ongoing-';
const ONGOING_NAME = '2017年度重大项目督导（演示·进行中）';
/** A plan year per real year: the ongoing cycle's plan time runs at the real pace from its start. */
const REAL_PACE_YEAR_SECONDS = 365.2425 * 86_400;

/**
 * A second demo cycle that stays open: plan time starts at 1 March 2017 and runs at the real pace,
 * so its 2017 nodes are months away and every role has something to do. A few projects are moved
 * along as a unit would (acknowledged, one report submitted and waiting for review), the others
 * are left for the person trying dudao.
 */
async function startOngoingCycle(
  stack: RunningStack,
  client: Client,
  imported: Imported,
  inspector: Principal,
): Promise<void> {
  const cycleId = `${ONGOING_PREFIX}${stamp()}`;
  const input = await buildCycleInput(
    {
      name: ONGOING_NAME,
      cycleId,
      window: {
        opensAt: '2017-02-28T16:00:00.000Z',
        submissionDueAt: '2017-12-29T09:00:00.000Z',
        reviewDueAt: '2018-01-31T09:00:00.000Z',
      },
      scope: { kinds: ['major_project'] },
      policy: defaultPolicy(),
      drill: { yearSeconds: REAL_PACE_YEAR_SECONDS },
      planId: imported.planId,
      planVersion: imported.version,
    },
    inspector,
    stack.database.db,
  );
  await client.workflow.start(inspectionCycleWorkflow, {
    taskQueue: stack.taskQueue,
    workflowId: cycleWorkflowId(cycleId),
    args: [input],
  });
  const views = await waitForProjects(client, cycleId, input.items.length);
  // Every third project: its lead reports, so 督导处 has a report to review; the next one is only
  // acknowledged; the rest wait for their units.
  let reviewing = 0;
  for (const [i, { workflowId }] of views.entries()) {
    const until = i % 3 === 0 ? 'submitted' : i % 3 === 1 ? 'acknowledged' : null;
    if (until && (await moveAlong(client, workflowId, until)) && until === 'submitted') reviewing++;
  }
  console.log(
    `已发起进行中的演示周期 ${cycleId}：${views.length} 个重大项目（规划时间自 2017-03-01 起按实际时间推进），${reviewing} 份报告待审核。`,
  );
}

async function waitForProjects(
  client: Client,
  cycleId: string,
  expected: number,
): Promise<Awaited<ReturnType<typeof listProjectViews>>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const views = await listProjectViews(client, { cycleId });
    if (views.length >= expected || Date.now() > deadline)
      return views.sort((a, b) => a.view.state.projectId.localeCompare(b.view.state.projectId));
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Acts for the project's units until its first open node is acknowledged or its report submitted. */
async function moveAlong(
  client: Client,
  workflowId: string,
  until: 'acknowledged' | 'submitted',
): Promise<boolean> {
  for (let step = 0; step < 12; step++) {
    const view = await queryProject(client.workflow.getHandle(workflowId)).catch(() => null);
    const open = view?.state.milestones.find((m) => m.phase !== 'scheduled' && m.phase !== 'closed');
    if (!view || !open) return false;
    const lead = open.assignments.find((a) => a.role === 'lead');
    if (until === 'acknowledged' && lead?.acknowledged) return true;
    if (until === 'submitted' && open.phase === 'submitted') return true;
    const command = nextAction(view, 'on_time');
    if (!command || command.type === 'approve' || command.type === 'return') return false;
    await act(client, workflowId, command);
  }
  return false;
}
