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
import { buildCycleInput, cycleWorkflowId } from './cycle';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { cycleStateQuery } from '../../workflows/messages';
import { listProjectViews } from '../projects';
import { act, behaviourFor, nextAction } from '../demo/simulated-units';
import { holdUntilSignalled, printBanner } from './up';
import { renderCycleSummary } from '../table';
import { run } from '../run';
import type { Principal } from '../../domain/principal';

export const SEED_FILE = path.join(repoRoot, 'seeds', 'quzhou-education-13th-fyp-task-division.txt');

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('演示：导入规划，以演练日历督导全部16个重大项目（2016—2020），模拟各单位办理')
    .option('--year-seconds <秒>', '演练日历：每个规划年用多少秒', Number, 12)
    .option('--exit', '演示结束后停止服务（默认保持运行以便查看）')
    .action((opts) =>
      run(async () => {
        const notices = path.join(dataDir(), 'notifications.log');
        fs.mkdirSync(dataDir(), { recursive: true });
        const stack = await startStack(
          (l) => console.log(l),
          (line) => fs.appendFileSync(notices, `${line}\n`),
        );
        try {
          await runDemo(stack, opts.yearSeconds, notices);
        } catch (err) {
          await stack.stop();
          throw err;
        }
        if (opts.exit) {
          await stack.stop();
          return;
        }
        printBanner(stack);
        console.log('  试试：dudao task list --unit 基教处 ｜ dudao review list ｜ dudao cycle list');
        await holdUntilSignalled(stack);
      }),
    );
}

async function runDemo(
  stack: Awaited<ReturnType<typeof startStack>>,
  yearSeconds: number,
  notices: string,
): Promise<void> {
  const { db } = stack.database;
  const parsed = parsePlanBytes(fs.readFileSync(SEED_FILE));
  if (!parsed.ok) throw new Error(parsed.error);
  const imported = await importPlan(db, parsed.plan, parsed.text, path.basename(SEED_FILE));
  console.log(`规划：${parsed.plan.title}（第 ${imported.version} 版，${parsed.plan.items.length} 个条目）`);

  const inspector: Principal = { userId: '督导处-演示', role: 'inspector', unit: '督导处' };
  const cycleId = `demo-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
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
  const connection = await Connection.connect(stack.temporal.connectionOptions);
  const client = new Client({ connection, namespace: stack.temporal.namespace });
  const started = Date.now();
  try {
    const cycle = await client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: cycleWorkflowId(cycleId),
      args: [input],
    });
    console.log(
      `已发起督导周期 ${cycleId}：${input.items.length} 个重大项目，演练日历每年 ${yearSeconds} 秒。`,
    );
    const behaviours = new Map(input.items.map((item, i) => [item.itemId, behaviourFor(i)]));
    let finished = false;
    const result = cycle.result().finally(() => {
      finished = true;
    });
    while (!finished) {
      const views = await listProjectViews(client, { cycleId });
      await Promise.all(
        views.map(async ({ workflowId, view }) => {
          const command = nextAction(view, behaviours.get(view.state.projectId) ?? 'on_time');
          if (command) await act(client, workflowId, command);
        }),
      );
      const state = await cycle.query(cycleStateQuery).catch(() => null);
      if (state) {
        const rag = { red: 0, amber: 0, green: 0 };
        for (const { view } of views) rag[view.rag.rag]++;
        const done = state.projects.filter((p) => p.done).length;
        process.stdout.write(
          `\r规划时间 ${shanghaiDate(planNow(state.clock, Date.now()))}  已办结 ${done}/${state.projects.length}  🔴${rag.red} 🟡${rag.amber} 🟢${rag.green}   `,
        );
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    const summary = await result;
    process.stdout.write('\n\n');
    console.log(renderCycleSummary(summary));
    const counts = await sql<{ events: string; notifications: string }>`
      SELECT (SELECT count(*) FROM events WHERE cycle_id = ${cycleId}) AS events,
             (SELECT count(*) FROM notifications WHERE cycle_id = ${cycleId}) AS notifications`.execute(db);
    const c = counts.rows[0]!;
    console.log(
      `\n演示完成，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒：${input.items.length + 1} 个工作流，${c.events} 个领域事件，${c.notifications} 条催办/督办通知（${notices}）。`,
    );
    console.log(`查看：dudao cycle show ${cycleId}`);
  } finally {
    await connection.close();
  }
}
