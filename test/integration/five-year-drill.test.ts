import fs from 'node:fs';
import path from 'node:path';
import { ScheduleOverlapPolicy, type ScheduleHandle } from '@temporalio/client';
import { listProjectViews } from '../../app/projects';
import {
  closeOut,
  issueRectifications,
  listRectifications,
  rectificationNotice,
} from '../../app/rectifications';
import { recurringSchedule } from '../../cli/schedules';
import { actOnRectifications, rectifies } from '../../cli/demo/rectification-round';
import { act, behaviourFor, nextAction, type Simulation } from '../../cli/demo/simulated-units';
import { readStream } from '../../db/event-store';
import { LIVE_SCHEMA } from '../../db/projections/read-model';
import { planNow, type ClockAnchor } from '../../domain/clock';
import { yearWindow } from '../../domain/cycle';
import { defaultPolicy } from '../../domain/policy';
import {
  carriedIdOf,
  isUnrectified,
  rectificationIdOf,
  rectificationWorkflowId,
} from '../../domain/rectification';
import { shanghaiDate } from '../../domain/shanghai';
import { loadAssessmentBulletin } from '../../reports/documents/assessment-bulletin';
import { renderBulletinDocx } from '../../reports/documents/render-bulletin-docx';
import { renderRectificationNoticeDocx } from '../../reports/documents/render-rectification-notice-docx';
import { lineageReport } from '../../reports/lineage';
import { importPlan } from '../../seeds/import';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { cycleStateQuery } from '../../workflows/messages';
import type { RoundStarted } from '../../workflows/recurring';
import { freshDatabase, type TestDatabase } from '../support/db';
import { readDocx } from '../support/docx';
import { inspector } from '../support/scenario';
import { startWorker, uniqueId, type TestStack } from '../support/temporal';
import { waitFor } from '../support/wait';

const SEED = path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt');
const YEARS = [2016, 2017, 2018, 2019, 2020] as const;
/**
 * Real seconds per plan year. Each cycle lasts a little over its plan year (late units wait for the
 * 督办 ladder past the year's end), so the five take about five times this, plus the close-outs.
 */
const YEAR_SECONDS = 30;
/** Besides the demo's one unit that misses its targets, a fifth of the other milestones fall short. */
const SIM: Simulation = { seed: 'five-year-drill', shortfallRate: 0.2 };

/**
 * Issue 15's five-year drill: one cycle per plan year 2016–2020 over the seed's 16 major projects,
 * each started by a round of one Temporal Schedule (yearly from 2016, carrying over, its cycles on
 * the drill calendar), the units simulated as in the demo. Each year's round is fired by a backfill
 * over that year's 1 January once the year before has closed and been closed out, as after an
 * outage. Each close-out issues 整改 for the cycle's shortfalls; the units rectify some at once
 * (销号) and leave the others, which the next round carries by itself into its cycle as the next
 * round of 整改 (-R2, -R3 …). One unit never rectifies, so its first 整改 goes round after round
 * to the last cycle. At the end `report lineage` tells each project's five cycles and every round,
 * and the last cycle's 整改通知 and 通报 are read back from their Word files.
 */
describe('the five-year drill: 整改 carried from each year into the next', () => {
  let t: TestDatabase;
  let stack: TestStack;
  let schedule: ScheduleHandle;
  const prefix = uniqueId('fy');
  const cycleOf = (year: number) => `${prefix}-${year}`;
  const nameOf = (year: number) => `${year}年度重大项目专项督导（五年演练）`;
  let itemIds: string[] = [];
  /** The project whose unit misses its targets every year and never rectifies. */
  let stubborn = '';
  let finalAt = '';
  /** Each year's 整改期限 as issued at its close-out. */
  const deadlines = new Map<number, string>();
  /** The 整改 each year's round said it carried into its cycle. */
  const carriedBy = new Map<number, string[]>();

  beforeAll(async () => {
    t = await freshDatabase();
    const parsed = parsePlanBytes(fs.readFileSync(SEED));
    if (!parsed.ok) throw new Error(parsed.error);
    await importPlan(t.db, parsed.plan, parsed.text, 'seed.txt');
    stack = await startWorker(t.db);
    schedule = await stack.client.schedule.create(
      recurringSchedule(
        {
          slug: prefix,
          name: '重大项目专项督导（五年演练）',
          everyYears: 1,
          firstYear: YEARS[0],
          scope: { kinds: ['major_project'] },
          policy: defaultPolicy(),
          startedBy: inspector,
          carryOver: true,
          drill: { yearSeconds: YEAR_SECONDS },
        },
        stack.taskQueue,
      ),
    );
  });
  afterAll(async () => {
    await schedule?.delete();
    await stack?.stop();
    await t?.drop();
  });

  const deps = () => ({ db: t.db, client: stack.client, taskQueue: stack.taskQueue });
  const rectifying = (r: { project_id: string; item_id: string }) =>
    r.item_id !== stubborn && rectifies(SIM, r.project_id);

  /**
   * Fires the Schedule's round of `year` (a backfill over its 1 January, Beijing time, long past)
   * and returns what the round answered once it has started the year's cycle and carried over.
   */
  async function fireRound(year: number): Promise<RoundStarted> {
    const newYear = Date.UTC(year - 1, 11, 31, 16);
    await schedule.backfill([
      {
        start: new Date(newYear - 60_000),
        end: new Date(newYear + 60_000),
        overlap: ScheduleOverlapPolicy.BUFFER_ALL,
      },
    ]);
    let answer: RoundStarted | undefined;
    await waitFor(async () => {
      for await (const wf of stack.client.workflow.list({
        query: `WorkflowType = 'recurringCycleWorkflow' AND TaskQueue = '${stack.taskQueue}' AND WorkflowId STARTS_WITH 'cycle-schedule-${prefix}'`,
      })) {
        const result = (await stack.client.workflow
          .getHandle(wf.workflowId, wf.runId)
          .result()) as RoundStarted;
        if (result.year === year) answer = result;
      }
      return answer !== undefined;
    }, 120_000);
    return answer!;
  }

  /**
   * Runs one year's cycle, started by the Schedule's round, to its close, acting for the units on
   * its projects and on the 整改 the round carried into it.
   */
  async function runYear(year: number): Promise<ClockAnchor> {
    const cycleId = cycleOf(year);
    // What the year before left unrectified: the round must carry each into its cycle.
    const left =
      year > YEARS[0]
        ? (await listRectifications(t.db, { contextCycleId: cycleOf(year - 1) })).filter((r) =>
            isUnrectified(r.status),
          )
        : [];
    const firedAt = Date.now();
    const round = await fireRound(year);
    const carried = left.map((r) =>
      carriedIdOf(rectificationIdOf(r.origin_cycle_id, r.milestone_id), r.round + 1),
    );
    expect({ ...round, carried: [...(round.carried ?? [])].sort() }).toEqual({
      cycleId,
      year,
      alreadyStarted: false,
      carried: carried.sort(),
    });
    if (year > YEARS[0]) expect(carried.length).toBeGreaterThan(0);
    carriedBy.set(year, carried);
    // Each carried round is issued in the name of whoever set the Schedule, as its cycle is started.
    for (const id of carried) {
      const stream = () => readStream(t.db, rectificationWorkflowId(id));
      await waitFor(async () => (await stream()).length > 0, 30_000);
      expect((await stream())[0]).toMatchObject({ type: 'RectificationIssued', actor: inspector });
    }

    const cycle = stack.client.workflow.getHandle(`cycle-${cycleId}`);
    let started: { itemIds: string[] } | undefined;
    await waitFor(async () => {
      const [first] = await readStream(t.db, cycle.workflowId);
      if (first?.type === 'CycleStarted') started = first.data as { itemIds: string[] };
      return started !== undefined;
    }, 30_000);
    expect(started!.itemIds).toHaveLength(16);
    itemIds = started!.itemIds;
    stubborn = itemIds.find((_, i) => behaviourFor(i) === 'misses_target')!;
    const behaviours = new Map(itemIds.map((id, i) => [id, behaviourFor(i)]));
    // The round's cycle runs its year on the drill calendar from the moment it was started, however
    // long ago that year's 1 January is in real time.
    const clock = (await cycle.query(cycleStateQuery)).clock;
    expect(clock.planOrigin).toBe(yearWindow(year, 1, defaultPolicy().holidayRule).opensAt);
    expect(Date.parse(clock.realOrigin)).toBeGreaterThanOrEqual(firedAt);
    expect(Date.parse(clock.realOrigin)).toBeLessThanOrEqual(Date.now());

    let done = false;
    const finished = cycle.result().finally(() => (done = true));
    while (!done) {
      const views = await listProjectViews(stack.client, { cycleId });
      await Promise.all(
        views.map(({ workflowId, view }) => {
          const command = nextAction(view, behaviours.get(view.state.projectId) ?? 'on_time', SIM);
          return command ? act(stack.client, workflowId, command) : false;
        }),
      );
      const taken = await listRectifications(t.db, { contextCycleId: cycleId });
      await actOnRectifications(
        stack.client,
        taken.filter((r) => r.round > 1),
        rectifying,
        SIM,
      );
      await new Promise((r) => setTimeout(r, 400));
    }
    const summary = await finished;
    expect(summary.items).toHaveLength(16);
    return clock;
  }

  /**
   * The close-out of a finished cycle: 整改 issued for each shortfall (due half a year on, in the
   * cycle's plan time), the units that rectify report at once and 督导处 strikes them off.
   */
  async function closeOutYear(year: number, clock: ClockAnchor): Promise<string[]> {
    const cycleId = cycleOf(year);
    // Due a plan year on, on the cycle's clock (which runs on past the cycle's close): the next
    // cycle has started and taken the rest over well before then, even on a loaded machine.
    const deadline = shanghaiDate(planNow(clock, Date.now() + YEAR_SECONDS * 1000));
    deadlines.set(year, deadline);
    const { issued, closeOut: out } = await issueRectifications(deps(), inspector, cycleId, {
      deadline,
      documentNumber: `衢教督〔${deadline.slice(0, 4)}〕1号`,
    });
    expect(issued.sort()).toEqual(out.shortfalls.map((s) => s.rectificationId).sort());
    const wanted = () =>
      listRectifications(t.db, { originCycleId: cycleId, round: 1 }).then((rows) => ({
        rows,
        settled:
          rows.length === issued.length &&
          rows.filter(rectifying).every((r) => r.closed_at !== null) &&
          rows.filter((r) => !rectifying(r)).every((r) => r.status !== 'struck_off'),
      }));
    const until = Date.now() + 120_000;
    for (let now = await wanted(); !now.settled; now = await wanted()) {
      if (Date.now() > until)
        throw new Error(`整改 of ${cycleId} did not settle: ${JSON.stringify(now.rows)}`);
      await actOnRectifications(stack.client, now.rows, rectifying, SIM);
      await new Promise((r) => setTimeout(r, 200));
    }
    finalAt = planNow(clock, Date.now());
    return issued;
  }

  it('runs 2016–2020, each year closed out and its unrectified 整改 carried into the next', async () => {
    for (const year of YEARS) {
      const clock = await runYear(year);
      const issued = await closeOutYear(year, clock);
      // Every year has shortfalls (the stubborn unit's at least), some rectified, some left.
      expect(issued.length).toBeGreaterThan(1);
      expect(issued.some((id) => id.includes(`-${stubborn}-`))).toBe(true);
    }
    // Rounds carried: each year from 2017 took over what the year before left, the rounds its
    // Schedule's round said it carried.
    for (const year of YEARS.slice(1)) {
      const taken = await listRectifications(t.db, { contextCycleId: cycleOf(year) });
      const ids = taken.filter((r) => r.round > 1).map((r) => r.project_id);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.sort()).toEqual(carriedBy.get(year));
    }
    const rounds = await listRectifications(t.db, {});
    expect(rounds.filter((r) => r.status === 'struck_off').length).toBeGreaterThan(0);
    expect(rounds.filter((r) => r.status === 'carried').length).toBeGreaterThan(0);
  }, 900_000);

  it('tells each of the 16 projects’ story across the five cycles in report lineage', async () => {
    const report = await lineageReport(t.db, { schema: LIVE_SCHEMA, at: finalAt });
    const now = report.tables.find((x) => x.title === '事项现状')!.rows;
    expect(now.map((r) => r.itemId).sort()).toEqual([...itemIds].sort());
    // Every project went through all five cycles, each with an outcome.
    expect(now.every((r) => r.cycles === 5)).toBe(true);
    const outcomes = report.tables.find((x) => x.title === '各周期节点结果')!.rows;
    for (const id of itemIds) {
      const its = outcomes.filter((o) => o.itemId === id);
      expect([...new Set(its.map((o) => o.cycle))]).toEqual(YEARS.map(nameOf));
      expect(its.every((o) => o.outcome === '达标' || o.outcome === '未完成')).toBe(true);
    }
    // The stubborn project's 2016 shortfall went round after round, one cycle each, to the last.
    const roundsTable = report.tables.find((x) => x.title === '整改轮次')!.rows;
    // Its milestone id repeats from cycle to cycle (周期进展报告), so its chain is followed by 整改编号.
    const first = roundsTable.find(
      (r) => r.itemId === stubborn && r.round === 1 && r.cycle === cycleOf(2016),
    )!;
    const chain = roundsTable.filter(
      (r) =>
        r.rectificationId === first.rectificationId ||
        String(r.rectificationId).startsWith(`${first.rectificationId}-R`),
    );
    expect(chain.map((r) => [r.round, r.cycle])).toEqual(YEARS.map((year, i) => [i + 1, cycleOf(year)]));
    // Each earlier round was taken over while still open, or had run out just before (on a loaded
    // machine the next cycle may start after the 整改期限); the last is overdue now.
    for (const r of chain.slice(0, 4)) expect(['已转入下一周期', '逾期未整改']).toContain(r.status);
    expect(chain[4]!.status).toBe('逾期未整改');
    expect(chain.map((r) => r.rectificationId)).toEqual([
      first.rectificationId,
      ...[2, 3, 4, 5].map((n) => `${first.rectificationId}-R${n}`),
    ]);
    const stubbornNow = now.find((r) => r.itemId === stubborn)!;
    expect(Number(stubbornNow.shortfalls)).toBeGreaterThanOrEqual(5);
    expect(String(stubbornNow.now)).toContain('第5轮逾期未整改');
    // Its timeline chart shows each cycle and every round.
    const chart = report.charts!.find((c) => c.title.startsWith(`${stubborn} `))!;
    if (chart.kind !== 'rag-board') throw new Error(`unexpected chart ${chart.kind}`);
    expect(chart.items.filter((i) => i.label.startsWith('整改第')).length).toBe(
      roundsTable.filter((r) => r.itemId === stubborn).length,
    );
    // Its unit comes back short cycle after cycle.
    const unitRow = report.tables
      .find((x) => x.title === '各单位跨周期未达标情况')!
      .rows.find((r) => r.unit === chain[0]!.unit)!;
    expect(unitRow.cycles).toBe(5);
    expect(Number(unitRow.repeatItems)).toBeGreaterThanOrEqual(1);
    // Rounds rectified in time read as struck off.
    expect(roundsTable.some((r) => r.status === '已销号')).toBe(true);
  });

  it('writes the last cycle’s 整改通知 and 通报 as documents an office sends', async () => {
    const cycleId = cycleOf(2020);
    const out = await closeOut(t.db, cycleId);
    const notice = readDocx(
      await renderRectificationNoticeDocx(
        await rectificationNotice(t.db, cycleId, { issuer: '衢州市教育局' }),
      ),
    );
    const p = notice.paragraphs.filter((x) => x !== '');
    const deadline = deadlines.get(2020)!;
    const [y, m, d] = deadline.split('-').map(Number);
    expect(p.slice(0, 3)).toEqual([
      '衢州市教育局',
      `衢教督〔${y}〕1号`,
      `关于${nameOf(2020)}未达标事项限期整改的通知`,
    ]);
    const units = [...new Set(out.shortfalls.map((s) => s.unit))];
    expect(p[3]).toBe(`${units.join('、')}：`);
    expect(p).toContain(`${y}年${m}月${d}日前。`);
    expect(p.at(-2)).toBe('衢州市教育局');
    expect(p.at(-1)).toMatch(/^20\d\d年\d{1,2}月\d{1,2}日$/);
    const rows = notice.tables[0]!;
    expect(rows[0]).toEqual(['序号', '整改编号', '事项', '节点', '责任单位', '未达标原因']);
    expect(rows.slice(1).map((r) => r[1])).toEqual(out.shortfalls.map((s) => s.rectificationId));
    expect(rows.slice(1).every((r) => r[5]!.length > 0)).toBe(true);

    const bulletin = readDocx(
      await renderBulletinDocx(
        await loadAssessmentBulletin(
          t.db,
          { schema: LIVE_SCHEMA, cycleId, at: finalAt },
          { documentNumber: '衢教督〔2021〕2号' },
        ),
      ),
    );
    const b = bulletin.paragraphs.filter((x) => x !== '');
    expect(b[1]).toBe('衢教督〔2021〕2号');
    expect(b[2]).toBe(`关于${nameOf(2020)}考核结果的通报`);
    expect(b).toContain('一、总体情况');
    expect(b.find((x) => x.startsWith('本期共交办事项'))).toMatch(/未达标[1-9]\d*个/);
    const ranking = bulletin.tables[0]!;
    expect(ranking[0]).toEqual(['名次', '责任单位', '得分', '等次', '按时报送率', '扣分（加分）事项']);
    // The stubborn unit's fifth round, due with 2020's reports, is overdue at the 通报's date.
    const stubbornUnit = out.shortfalls.find((s) => s.itemId === stubborn)!.unit;
    const row = ranking.find((r) => r[1] === stubbornUnit)!;
    expect(row[5]).toContain('整改逾期未完成');
  });
});
