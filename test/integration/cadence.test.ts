import fs from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { sendCycleCancellation, sendCycleExtension, sendProjectCommand } from '../../app/commands';
import { readStream } from '../../db/event-store';
import type { ProjectCommand } from '../../domain/commands';
import { ProgressCadence } from '../../domain/policy';
import { progressReport } from '../../reports/progress';
import { assessmentReport, unitsReport } from '../../reports/builders';
import { verifyModels } from '../../audit/verify';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { freshDatabase, type TestDatabase } from '../support/db';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { startWorker, uniqueId, type TestStack } from '../support/temporal';
import { waitFor } from '../support/wait';
import { operatorDataDir, cliAgainst } from '../support/cli';

const lead = unit('基教处');

/**
 * 定期反馈 on a drill calendar against the real dev server: a cycle whose policy asks for monthly
 * reports by the 25th, one report on time, one late after its 督办, one never sent and recorded
 * as missed; the read model and the report count them, the notices reach the outbox.
 */
describe('periodic progress reports (定期反馈)', () => {
  let t: TestDatabase;
  let stack: TestStack;
  let dataDir: string;
  beforeAll(async () => {
    t = await freshDatabase();
    stack = await startWorker(t.db);
    dataDir = await operatorDataDir(t.db, 'dudao-cli-cad-');
  });
  afterAll(async () => {
    await stack?.stop();
    await t?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reminds, escalates once and records a missed month; reports count on time, late and missed', async () => {
    const cycleId = uniqueId('cad');
    // One plan day per 200 real ms: the first period is due about 5 s after the start.
    const input = drillCycle(cycleId, [{ ...preschoolPlan, units: ['基教处', '计财处'] }], 73, {
      progressCadence: ProgressCadence.parse({
        every: 'month',
        day: 25,
        missAfter: { amount: 20, unit: 'days' },
      }),
    });
    input.window = {
      opensAt: '2016-12-31T16:00:00.000Z',
      submissionDueAt: '2017-03-31T15:59:59.000Z',
      reviewDueAt: '2017-04-30T15:59:59.000Z',
    };
    const cycle = await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${cycleId}`,
      args: [input],
    });
    const project: WorkflowHandle = stack.client.workflow.getHandle(
      projectWorkflowId(cycle.workflowId, preschoolPlan.itemId),
    );
    const stream = () => readStream(t.db, project.workflowId);
    const progress = (month: string): ProjectCommand => ({
      type: 'submitProgress',
      actor: lead,
      periodId: `mp-01/p2017-${month}`,
      narrative: `2017年${Number(month)}月进展`,
      values: [],
      evidence: [],
    });

    await waitFor(async () => (await stream()).some((e) => e.type === 'ProjectStarted'));
    const january = await sendProjectCommand(project, progress('01'));
    expect(january.state.periods![0]).toMatchObject({ status: 'reported', late: false });
    // February: wait for its 督办, then report (late, before it counts as missed).
    await waitFor(
      async () =>
        (await stream()).some(
          (e) => e.type === 'EscalationRaised' && e.data.milestoneId === 'mp-01/p2017-02',
        ),
      30_000,
    );
    const february = await sendProjectCommand(project, progress('02'));
    expect(february.state.periods![1]).toMatchObject({ status: 'reported', late: true });
    await cycle.result();

    const events = await stream();
    const about = (periodId: string) =>
      events
        .filter((e) =>
          e.type === 'ProgressReported' || e.type === 'ProgressPeriodMissed'
            ? e.data.periodId === periodId
            : e.type === 'ReminderSent' || e.type === 'EscalationRaised'
              ? e.data.milestoneId === periodId
              : false,
        )
        .map((e) => e.type);
    // Reported before its 催办 was due: none was sent.
    expect(about('mp-01/p2017-01')).toEqual(['ProgressReported']);
    expect(about('mp-01/p2017-02')).toEqual(['ReminderSent', 'EscalationRaised', 'ProgressReported']);
    expect(about('mp-01/p2017-03')).toEqual(['ReminderSent', 'EscalationRaised', 'ProgressPeriodMissed']);
    const missed = events.find((e) => e.type === 'ProgressPeriodMissed')!;
    expect(missed).toMatchObject({ at: '2017-04-14T15:59:59.000Z', data: { unit: '基教处' } });

    const rows = await t.db
      .selectFrom('progress_periods')
      .select(['period_id', 'status', 'late', 'reminded', 'escalated'])
      .where('cycle_id', '=', cycleId)
      .orderBy('period_id')
      .execute();
    expect(rows).toEqual([
      { period_id: 'mp-01/p2017-01', status: 'reported', late: false, reminded: false, escalated: false },
      { period_id: 'mp-01/p2017-02', status: 'reported', late: true, reminded: true, escalated: true },
      { period_id: 'mp-01/p2017-03', status: 'missed', late: null, reminded: true, escalated: true },
    ]);
    const outbox = await t.db
      .selectFrom('notifications')
      .select(['kind', 'milestone_id'])
      .where('cycle_id', '=', cycleId)
      .where('milestone_id', 'like', 'mp-01/p2017-%')
      .execute();
    expect(outbox.map((n) => n.kind).sort()).toEqual([
      'escalation-1',
      'escalation-1',
      'reminder',
      'reminder',
    ]);

    const report = await progressReport(t.db, { schema: 'public', cycleId, at: '2017-04-30T00:00:00.000Z' });
    expect(report.tables[0]!.rows).toEqual([
      expect.objectContaining({
        unit: '基教处',
        due: 3,
        onTime: 1,
        late: 1,
        missed: 1,
        overdue: 0,
        rate: '33.3%',
      }),
    ]);
    expect(report.tables[1]!.rows).toEqual([
      expect.objectContaining({ label: '2017年3月', unit: '基教处', status: '未按期反馈' }),
    ]);
    // The missed month counts in the unit scoreboard and costs points in the assessment.
    const scope = { schema: 'public', cycleId, at: '2017-04-30T00:00:00.000Z' };
    expect((await unitsReport(t.db, scope)).tables[0]!.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ unit: '基教处', periods_missed: 1 }),
        expect.objectContaining({ unit: '计财处', periods_missed: 0 }),
      ]),
    );
    const assessed = await assessmentReport(t.db, scope);
    expect(assessed.tables[1]!.rows).toContainEqual({
      unit: '基教处',
      item: '定期反馈逾期未报',
      count: 1,
      points: -2,
    });
    // Rebuilt from the log, the models equal what the appends wrote live.
    expect((await verifyModels(t.db)).filter((m) => !m.equal)).toEqual([]);
  }, 90_000);

  it('follows a cycle extension: open periods get the later cap, months now inside the window are added', async () => {
    const cycleId = uniqueId('cad-ext');
    // A slow drill (about 1 real second per plan day): the extension lands before anything is due.
    const input = drillCycle(cycleId, [{ ...preschoolPlan, units: ['基教处'] }], 365, {
      progressCadence: ProgressCadence.parse({
        every: 'month',
        day: 25,
        missAfter: { amount: 60, unit: 'days' },
      }),
    });
    input.window = {
      opensAt: '2016-12-31T16:00:00.000Z',
      submissionDueAt: '2017-02-28T15:59:59.000Z',
      reviewDueAt: '2017-03-15T15:59:59.000Z',
    };
    const cycle = await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${cycleId}`,
      args: [input],
    });
    const project = stack.client.workflow.getHandle(
      projectWorkflowId(cycle.workflowId, preschoolPlan.itemId),
    );
    const stream = () => readStream(t.db, project.workflowId);
    await waitFor(async () => (await stream()).some((e) => e.type === 'ProjectStarted'));
    await sendCycleExtension(cycle, {
      actor: inspector,
      window: {
        opensAt: '2016-12-31T16:00:00.000Z',
        submissionDueAt: '2017-04-30T15:59:59.000Z',
        reviewDueAt: '2017-05-31T15:59:59.000Z',
      },
      reason: '统一延长报送期限',
    });
    await waitFor(async () => (await stream()).some((e) => e.type === 'ProgressPeriodsReplanned'));
    const replanned = (await stream()).find((e) => e.type === 'ProgressPeriodsReplanned')!;
    // January and February were capped at the old review deadline; March and April are new.
    expect(replanned.data).toEqual({
      periods: [
        expect.objectContaining({ periodId: 'mp-01/p2017-01', missAt: '2017-03-26T15:59:59.000Z' }),
        expect.objectContaining({ periodId: 'mp-01/p2017-02', missAt: '2017-04-26T15:59:59.000Z' }),
        expect.objectContaining({ periodId: 'mp-01/p2017-03', opensAt: '2017-02-25T15:59:59.000Z' }),
        expect.objectContaining({ periodId: 'mp-01/p2017-04', dueAt: '2017-04-25T15:59:59.000Z' }),
      ],
      unit: '基教处',
      reason: '统一延长报送期限',
    });
    await waitFor(async () => {
      const rows = await t.db
        .selectFrom('progress_periods')
        .select(['period_id', 'status', 'unit'])
        .where('cycle_id', '=', cycleId)
        .orderBy('period_id')
        .execute();
      return rows.length === 4 && rows.every((r) => r.status === 'open' && r.unit === '基教处');
    });
    await sendCycleCancellation(cycle, { actor: inspector, reason: '测试结束' });
    await cycle.result();
    expect((await verifyModels(t.db)).filter((m) => !m.equal)).toEqual([]);
  }, 90_000);

  const dudao = cliAgainst(() => ({ url: t.url, taskQueue: stack.taskQueue, dataDir }));

  it('lists a unit’s open period in task list and takes its report from task progress', async () => {
    const bad = await dudao('cycle', 'start', '--name', '演练', '--year', '2017', '--cadence', 'weekly:3');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('定期反馈节奏“weekly:3”不正确');

    const cycleId = uniqueId('cad-cli');
    // A slow drill (about 10 real seconds per plan day): nothing falls due while the CLI runs.
    const input = drillCycle(cycleId, [{ ...preschoolPlan, units: ['基教处'] }], 3650, {
      progressCadence: ProgressCadence.parse({ every: 'quarter', day: 25 }),
    });
    const cycle = await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${cycleId}`,
      args: [input],
    });
    const project = stack.client.workflow.getHandle(
      projectWorkflowId(cycle.workflowId, preschoolPlan.itemId),
    );
    await waitFor(async () =>
      (await dudao('task', 'list', '--unit', '基教处', '--cycle', cycleId)).stdout.includes('mp-01/p2017-q1'),
    );
    const listed = await dudao('task', 'list', '--unit', '基教处', '--cycle', cycleId);
    expect(listed.stdout).toMatch(/mp-01\/p2017-q1.*定期反馈·2017年第1季度.*待反馈/);
    // A unit nobody knows is refused with the ones there are, not answered with "no work".
    const typo = await dudao('task', 'list', '--unit', '基教科', '--cycle', cycleId);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toMatch(/没有单位“基教科”。已知单位：.*基教处/);
    const sent = await dudao(
      ...['task', 'progress', 'mp-01/p2017-q1', '--narrative', '一季度进展'],
      ...['--as', '基教处:unit_staff', '--cycle', cycleId],
    );
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toContain('已报送2017年第1季度的进展。');
    const again = await dudao(
      ...['task', 'progress', 'mp-01/p2017-q1', '--narrative', '重复'],
      ...['--as', '基教处:unit_staff', '--cycle', cycleId],
    );
    expect(again.stderr).toContain('2017年第1季度的进展已报送');
    expect(
      (await readStream(t.db, project.workflowId)).filter((e) => e.type === 'ProgressReported'),
    ).toHaveLength(1);
    await cycle.cancel();
  }, 90_000);
});
