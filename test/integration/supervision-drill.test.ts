import fs from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import path from 'node:path';
import { addInstruction } from '../../app/instructions';
import { buildCycleInput } from '../../app/cycles';
import { listProjectViews, projectHandle, queryProject } from '../../app/projects';
import { dispatchSubAssignment } from '../../app/dispatch';
import { refuseAcrossShares } from '../../app/dispatch-rules';
import { importBodies } from '../../app/units';
import { buildReport } from '../../app/reports';
import { DISPATCH_CYCLE, DispatchRejected, dispatchWorkflowId } from '../../domain/dispatch';
import type { ProjectCommand } from '../../domain/commands';
import type { Principal } from '../../domain/principal';
import { verifyModels } from '../../audit/verify';
import { act, behaviourFor, nextAction } from '../../cli/demo/simulated-units';
import { defaultPolicy, ProgressCadence } from '../../domain/policy';
import { instructionWorkflowId } from '../../domain/instruction';
import { importPlan } from '../../seeds/import';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { progressReport } from '../../reports/progress';
import { instructionsReport } from '../../reports/instructions';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { freshDatabase, type TestDatabase } from '../support/db';
import { inspector, unit } from '../support/scenario';
import { startWorker, uniqueId, type TestStack } from '../support/temporal';
import { waitFor } from '../support/wait';

const SEED = path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt');
/** The project dispatched down two levels: 学前教育行动计划, led by 基教处. */
const DISPATCHED = '2.1.4.1';
const COUNTIES = ['柯城区教育局', '衢江区教育局', '龙游县教育局'];
const SCHOOL = '衢江区实验小学';

/**
 * Issue 17's drill: a cycle over the seed's 16 major projects with monthly 定期反馈, one leader
 * instruction supervised on the cycle's clock, and one project dispatched to three county bodies,
 * one of which dispatches further to a school (two levels down); the units simulated as in the demo
 * (on time, late, rework, an extension, a target missed). At the end every period of the year is
 * accounted for (on time, late or missed), the instruction is answered and 办结, every share is
 * reported and approved before the unit above it answered upward, the reports show all three, and
 * the read models rebuilt from the log equal what the appends wrote.
 */
describe('a supervision drill with monthly feedback, a leader instruction and a two-level dispatch', () => {
  let t: TestDatabase;
  let stack: TestStack;
  beforeAll(async () => {
    t = await freshDatabase();
    const parsed = parsePlanBytes(fs.readFileSync(SEED));
    if (!parsed.ok) throw new Error(parsed.error);
    await importPlan(t.db, parsed.plan, parsed.text, 'seed.txt');
    const directory = ['上级单位,单位名称', ...COUNTIES.map((c) => `基教处,${c}`), `衢江区教育局,${SCHOOL}`];
    await importBodies(t.db, directory.join('\n'));
    stack = await startWorker(t.db);
  });
  afterAll(async () => {
    await stack?.stop();
    await t?.drop();
  });

  it('runs a year of the seed: every month reported or missed, the instruction 办结, the dispatch answered upward', async () => {
    const cycleId = uniqueId('sup-drill');
    const input = await buildCycleInput(
      {
        name: '重大项目专项督导（定期反馈演练）',
        cycleId,
        window: {
          opensAt: '2016-12-31T16:00:00.000Z',
          submissionDueAt: '2017-12-29T09:00:00.000Z',
          reviewDueAt: '2018-01-31T09:00:00.000Z',
        },
        scope: { kinds: ['major_project'] },
        policy: {
          ...defaultPolicy(),
          // Wide windows (催办 ten days ahead, missed twenty days after) keep the simulated units in
          // time on a loaded machine: a plan day is 0.2 real seconds here.
          progressCadence: ProgressCadence.parse({
            every: 'month',
            day: 25,
            reminder: { amount: 10, unit: 'days' },
            missAfter: { amount: 20, unit: 'days' },
          }),
        },
        // A plan month in about 6 real seconds: the units keep up, the year takes about 80 s.
        drill: { yearSeconds: 73 },
      },
      inspector,
      t.db,
    );
    expect(input.items).toHaveLength(16);
    const cycle = await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${cycleId}`,
      args: [input],
    });
    // The instruction keeps time by the cycle's clock, which the cycle's first event records.
    await waitFor(async () =>
      Boolean(
        await t.db
          .selectFrom('events')
          .select('event_id')
          .where('cycle_id', '=', cycleId)
          .where('type', '=', 'CycleStarted')
          .executeTakeFirst(),
      ),
    );
    const instructionId = uniqueId('PS');
    await addInstruction({ db: t.db, client: stack.client, taskQueue: stack.taskQueue }, inspector, {
      instructionId,
      leader: '王局长',
      issuedOn: '2017-01-01',
      text: '请基教处牵头，两个月内拿出学前教育扩面方案',
      unit: '基教处',
      deadline: '2017-02-28',
      cycleId,
    });
    const instruction = stack.client.workflow.getHandle(instructionWorkflowId(instructionId));

    // Each project keeps the demo's behaviour by its place in the plan (two late, two reworked…).
    const behaviours = new Map(input.items.map((item, i) => [item.itemId, behaviourFor(i)]));
    expect(behaviours.get(DISPATCHED)).toBe('on_time');
    const dispatch = new DispatchDrill(cycleId);
    let done = false;
    const finished = cycle.result().finally(() => (done = true));
    let instructionAnswered = false;
    while (!done) {
      const views = await listProjectViews(stack.client, { cycleId });
      await dispatch.open(views.find((v) => v.view.state.projectId === DISPATCHED)?.view);
      await Promise.all([
        dispatch.follow(),
        ...views.map(({ workflowId, view }) => {
          const command = nextAction(view, behaviours.get(view.state.projectId) ?? 'on_time');
          return command ? dispatch.actAbove(workflowId, cycleId, command) : false;
        }),
      ]);
      if (!instructionAnswered) instructionAnswered = await answer(instruction);
      await new Promise((r) => setTimeout(r, 200));
    }
    const summary = await finished;
    expect(summary.items).toHaveLength(16);

    const scope = { schema: 'public', cycleId, at: '2018-01-31T09:00:00.000Z' };
    // Twelve months for each of the 16 projects, none left open: each reported, missed, or waived
    // because its project was 办结 before the month came.
    const periods = await t.db
      .selectFrom('progress_periods')
      .select(['project_id', 'status', 'late'])
      .where('cycle_id', '=', cycleId)
      .execute();
    expect(periods).toHaveLength(16 * 12);
    expect(periods.filter((p) => p.status === 'open')).toEqual([]);
    const reported = periods.filter((p) => p.status === 'reported');
    // A project still open all year (a late unit waits for the 督办 ladder) reports month after month.
    const monthsReported = new Map<string, number>();
    for (const p of reported) monthsReported.set(p.project_id, (monthsReported.get(p.project_id) ?? 0) + 1);
    expect(Math.max(...monthsReported.values())).toBeGreaterThanOrEqual(10);
    const [units] = (await progressReport(t.db, scope)).tables;
    const sum = (key: string) => units!.rows.reduce((n, r) => n + Number(r[key]), 0);
    expect(sum('onTime') + sum('late')).toBe(reported.length);
    expect(sum('due')).toBe(sum('onTime') + sum('late') + sum('missed'));
    expect(sum('overdue')).toBe(0);

    const instructions = await instructionsReport(t.db, scope);
    expect(JSON.stringify(instructions.tables)).toContain('王局长');
    const row = await t.db
      .selectFrom('instructions')
      .select(['status'])
      .where('project_id', '=', instructionId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('done');

    // The dispatch: four shares, each reported and approved by the unit that dispatched it; the
    // units above were refused while a share was owed, and answered once none was.
    const shares = await t.db
      .selectFrom('sub_assignments')
      .select(['project_id', 'unit', 'body', 'status', 'outcome'])
      .where('root_cycle_id', '=', cycleId)
      .execute();
    expect(shares.map((x) => [x.unit, x.body, x.status, x.outcome]).sort()).toEqual(
      [
        ['基教处', '柯城区教育局', 'closed', 'met'],
        ['基教处', '衢江区教育局', 'closed', 'met'],
        ['基教处', '龙游县教育局', 'closed', 'met'],
        ['衢江区教育局', SCHOOL, 'closed', 'met'],
      ].sort(),
    );
    expect(dispatch.refusedAbove).toEqual(new Set(['基教处', '衢江区教育局']));
    const answeredAt = async (streamId: string, type: string) =>
      (
        await t.db
          .selectFrom('events')
          .select('recorded_at')
          .where('stream_id', '=', streamId)
          .where('type', '=', type)
          .orderBy('recorded_at', 'desc')
          .executeTakeFirstOrThrow()
      ).recorded_at;
    const lastApproval = Math.max(
      ...(await Promise.all(
        dispatch
          .countyShares()
          .map(async (id) => (await answeredAt(dispatchWorkflowId(id), 'ReportApproved')).getTime()),
      )),
    );
    const parentSubmitted = await t.db
      .selectFrom('events')
      .select('recorded_at')
      .where('cycle_id', '=', cycleId)
      .where('project_id', '=', DISPATCHED)
      .where('type', '=', 'ReportSubmitted')
      .execute();
    expect(parentSubmitted.length).toBeGreaterThan(0);
    expect(Math.min(...parentSubmitted.map((e) => e.recorded_at.getTime()))).toBeGreaterThan(lastApproval);
    const dispatchReport = (await buildReport(t.db, 'dispatch', cycleId, 'csv')).content.toString();
    for (const body of [...COUNTIES, SCHOOL]) expect(dispatchReport).toContain(body);

    expect((await verifyModels(t.db)).filter((m) => !m.equal)).toEqual([]);
  }, 240_000);

  /**
   * 基教处 dispatches the project's open 2017 milestone to three counties; 衢江 dispatches its share
   * to a school. Each body reports once its share is open; each dispatching unit approves; a unit
   * with a share still owed is refused when it reports upward, as every adapter refuses it.
   */
  class DispatchDrill {
    readonly refusedAbove = new Set<string>();
    private milestoneId: string | null = null;
    private readonly ids = COUNTIES.map((c, i) => uniqueId(`XF${i}`));
    private readonly schoolId = uniqueId('XFS');
    private schoolDispatched = false;
    private readonly answered = new Set<string>();
    constructor(private readonly cycleId: string) {}

    countyShares = () => this.ids;

    private readonly deps = { db: t.db, client: stack.client, taskQueue: stack.taskQueue };

    /** 基教处 dispatches once the milestone is open (before its own report can go upward). */
    async open(view: Awaited<ReturnType<typeof queryProject>> | undefined): Promise<void> {
      if (this.milestoneId === null) {
        const m = view?.state.milestones.find((x) => x.phase === 'assigned' && x.year === 2017);
        if (!m) return;
        for (const [i, body] of COUNTIES.entries())
          await dispatchSubAssignment(this.deps, unit('基教处'), {
            subAssignmentId: this.ids[i],
            cycleId: this.cycleId,
            milestoneId: m.milestoneId,
            body,
            text: '按县域落实学前教育行动计划',
          });
        this.milestoneId = m.milestoneId;
      }
    }

    /** Below: 衢江 dispatches to its school, the bodies report, the dispatching units approve. */
    async follow(): Promise<void> {
      if (this.milestoneId === null) return;
      const qj = this.ids[1]!;
      if (!this.schoolDispatched)
        this.schoolDispatched = await dispatchSubAssignment(this.deps, unit('衢江区教育局'), {
          subAssignmentId: this.schoolId,
          cycleId: DISPATCH_CYCLE,
          milestoneId: `${qj}/reply`,
          body: SCHOOL,
          text: '统计本校学前教育普惠情况',
        }).then(
          () => true,
          (err: unknown) => {
            // Refused while the county's own share has not opened yet: again on the next round.
            if (err instanceof DispatchRejected) return false;
            throw err;
          },
        );
      if (!this.schoolDispatched) return;
      const byDispatcher: [string, string, string][] = [
        [this.schoolId, SCHOOL, '衢江区教育局'],
        ...COUNTIES.map((c, i): [string, string, string] => [this.ids[i]!, c, '基教处']),
      ];
      // The shares act side by side (the drill's year runs on, whatever the test's pace).
      await Promise.all(
        byDispatcher
          .filter(([id]) => !this.answered.has(id))
          .map(async ([id, body, reviewer]) => {
            // A share just dispatched may not have its milestone yet: it is looked at next round.
            const m = (await queryProject(projectHandle(stack.client, DISPATCH_CYCLE, id))).state
              .milestones[0];
            if (!m) return;
            if (m.phase === 'approved' || m.phase === 'closed') this.answered.add(id);
            const command: ProjectCommand | null =
              m.phase === 'assigned' || m.phase === 'returned'
                ? {
                    type: 'submitReport',
                    actor: unit(body),
                    milestoneId: m.milestoneId,
                    narrative: `${body}已按要求落实。`,
                    values: m.targets.map((x, targetIndex) => ({ targetIndex, value: x.value })),
                    evidence: [],
                  }
                : m.phase === 'submitted'
                  ? { type: 'approve', actor: unit(reviewer), milestoneId: m.milestoneId, comment: '同意' }
                  : null;
            if (command) await this.actAbove(dispatchWorkflowId(id), DISPATCH_CYCLE, command);
          }),
      );
    }

    /** Acts as the adapters do: a report upward is refused while shares of it are owed. */
    async actAbove(workflowId: string, cycleId: string, command: ProjectCommand): Promise<boolean> {
      try {
        await refuseAcrossShares({ db: t.db, client: stack.client }, cycleId, command);
      } catch (err) {
        if (!(err instanceof DispatchRejected)) throw err;
        this.refusedAbove.add((command.actor as Principal).unit!);
        return false;
      }
      return act(stack.client, workflowId, command);
    }
  }

  /** The unit answers the instruction, then 督导处 approves it: true once approved. */
  async function answer(handle: WorkflowHandle): Promise<boolean> {
    const view = await queryProject(handle).catch(() => null);
    const m = view?.state.milestones[0];
    if (!m) return false;
    if (m.phase === 'approved' || m.phase === 'closed') return true;
    const command =
      m.phase === 'submitted'
        ? { type: 'approve' as const, actor: inspector, milestoneId: m.milestoneId, comment: '同意' }
        : m.phase === 'assigned' || m.phase === 'returned'
          ? {
              type: 'submitReport' as const,
              actor: unit('基教处'),
              milestoneId: m.milestoneId,
              narrative: '扩面方案已报局党委审议通过。',
              values: [],
              evidence: [],
            }
          : null;
    if (command) await act(stack.client, handle.workflowId, command);
    return false;
  }
});
