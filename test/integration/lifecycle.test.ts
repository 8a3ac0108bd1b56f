import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { sendCycleCancellation, sendProjectCommand } from '../../app/commands';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startWorker, uniqueId, type TestStack } from '../support/temporal';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { waitFor } from '../support/wait';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import type { ProjectCommand } from '../../domain/commands';
import type { CycleItem } from '../../domain/cycle';
import { readStream } from '../../db/event-store';
import type { majorProjectWorkflow } from '../../workflows/project';

const lead = unit('基教处');
const co = unit('计财处');
const only2017: CycleItem = {
  ...preschoolPlan,
  units: ['基教处', '计财处'],
  milestones: [preschoolPlan.milestones[1]!],
};
const M = 'mp-01/2017';

/**
 * Every scenario runs twice: on a worker with the usual cache, and on one that caches nothing, so
 * every workflow task replays the whole history and any divergence fails the scenario at once.
 */
describe.each([
  { worker: 'a caching worker', maxCachedWorkflows: undefined },
  { worker: 'a worker that replays every task (maxCachedWorkflows: 0)', maxCachedWorkflows: 0 },
])('project lifecycle against the real dev server, on $worker', ({ maxCachedWorkflows }) => {
  let t: TestDatabase;
  let stack: TestStack;
  beforeAll(async () => {
    t = await freshDatabase();
    stack = await startWorker(t.db, maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows });
  });
  afterAll(async () => {
    await stack.stop();
    await t.drop();
  });

  async function startCycle(
    items: CycleItem[],
    yearSeconds: number,
    tweak: (i: ReturnType<typeof drillCycle>) => void = () => undefined,
  ) {
    const input = drillCycle(uniqueId('c'), items, yearSeconds);
    tweak(input);
    const cycle = await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });
    const project = stack.client.workflow.getHandle<typeof majorProjectWorkflow>(
      projectWorkflowId(cycle.workflowId, items[0]!.itemId),
    );
    return { cycle, project, input };
  }
  const send = (h: WorkflowHandle, c: ProjectCommand) => sendProjectCommand(h, c);
  const state = async (h: WorkflowHandle) => (await h.query(projectStateQuery)).state;
  // The log holds the opening once its append commits; the workflow's state only once the task
  // that hears the append's answer has run: tests read both, so both must show it.
  const opened = (h: WorkflowHandle) =>
    waitFor(
      async () =>
        (await types(h)).filter((x) => x === 'AssignmentCreated').length >= 2 &&
        (await state(h)).milestones.some((m) => m.phase === 'assigned'),
    );
  const types = async (h: WorkflowHandle) => (await readStream(t.db, h.workflowId)).map((e) => e.type);
  const report = (values: number[] = [85]): ProjectCommand => ({
    type: 'submitReport',
    actor: lead,
    milestoneId: M,
    narrative: '进展报告',
    values: values.map((value, targetIndex) => ({ targetIndex, value })),
    evidence: [],
  });

  it('reminds before the due date, climbs the 督办 ladder after it, and closes the milestone as missed', async () => {
    // One plan day per 150 ms: the cycle opens four weeks before the deadline; reminders 7 and 3
    // days ahead leave each reminder a window far wider than a loaded machine's timer latency.
    const { cycle, project } = await startCycle([only2017], 54.75, (i) => {
      i.policy = {
        ...i.policy,
        reminders: [
          { amount: 7, unit: 'days' },
          { amount: 3, unit: 'days' },
        ],
      };
      i.window = {
        opensAt: '2017-11-30T16:00:00.000Z',
        submissionDueAt: '2017-12-29T15:59:59.000Z',
        reviewDueAt: '2018-01-20T15:59:59.000Z',
      };
    });
    await cycle.result();
    const events = await readStream(t.db, project.workflowId);
    const reminders = events
      .filter((e) => e.type === 'ReminderSent')
      .map((e) => e.data as { unit: string; leadTime: string });
    expect(reminders.filter((r) => r.unit === '基教处').map((r) => r.leadTime)).toEqual(['7天', '3天']);
    const ladder = events
      .filter((e) => e.type === 'EscalationRaised' && (e.data as { unit: string }).unit === '基教处')
      .map((e) => e.data as { level: number; target: string; reason: string });
    expect(ladder.map((l) => [l.level, l.target, l.reason])).toEqual([
      [1, 'unit_head', 'overdue'],
      [2, 'division_leader', 'overdue'],
      [3, 'bureau_notice', 'overdue'],
    ]);
    expect(events.at(-2)).toMatchObject({ type: 'MilestoneClosed', data: { outcome: 'missed' } });
    const outbox = await t.db
      .selectFrom('notifications')
      .select(['kind', 'unit'])
      .where('cycle_id', '=', events[0]!.cycleId)
      .execute();
    expect(
      outbox
        .filter((n) => n.unit === '基教处')
        .map((n) => n.kind)
        .sort(),
    ).toEqual(['escalation-1', 'escalation-2', 'escalation-3', 'reminder', 'reminder']);
  });

  it('转办 between 催办 and 督办: the new unit gets notices of its own, none dropped as duplicates', async () => {
    const { cycle, project } = await startCycle([only2017], 54.75, (i) => {
      i.window = {
        opensAt: '2017-11-30T16:00:00.000Z',
        submissionDueAt: '2017-12-29T15:59:59.000Z',
        reviewDueAt: '2018-01-20T15:59:59.000Z',
      };
    });
    await waitFor(
      async () =>
        (await readStream(t.db, project.workflowId)).some(
          (e) => e.type === 'ReminderSent' && e.data.unit === '基教处',
        ),
      60_000,
    );
    await send(project, {
      type: 'reassign',
      actor: inspector,
      assignmentId: `${M}/lead`,
      toUnit: '职成教处',
      reason: '职能调整',
    });
    await cycle.result();
    const events = await readStream(t.db, project.workflowId);
    const notices = events.filter((e) => e.type === 'ReminderSent' || e.type === 'EscalationRaised');
    const outbox = await t.db
      .selectFrom('notifications')
      .select(['notification_id', 'unit', 'kind'])
      .where('cycle_id', '=', events[0]!.cycleId)
      .execute();
    // Every notice the workflow decided is in the outbox, under the id it decided.
    expect(outbox.map((n) => n.notification_id).sort()).toEqual(
      notices.map((e) => (e.data as { notificationId: string }).notificationId).sort(),
    );
    const lead = (unit: string) => outbox.filter((n) => n.unit === unit).map((n) => n.kind);
    expect(lead('基教处')).toContain('reminder');
    expect(lead('职成教处')).toEqual(
      expect.arrayContaining(['escalation-1', 'escalation-2', 'escalation-3']),
    );
  });

  it('returns for rework, escalates after too many returns, and approves the resubmission', async () => {
    const { cycle, project } = await startCycle([only2017], 3600);
    await opened(project);
    await send(project, report([70]));
    await send(project, { type: 'return', actor: inspector, milestoneId: M, comment: '数据口径不一致' });
    await expect(
      send(project, { type: 'approve', actor: inspector, milestoneId: M, comment: '' }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await send(project, report([75]));
    await send(project, { type: 'return', actor: inspector, milestoneId: M, comment: '仍缺佐证材料' });
    const after = await send(project, report([82]));
    expect(after.state.milestones[0]).toMatchObject({
      rounds: 3,
      returns: 2,
      lastReturnComment: '仍缺佐证材料',
      escalatedForReturns: true,
    });
    const approved = await send(project, {
      type: 'approve',
      actor: inspector,
      milestoneId: M,
      comment: '同意',
    });
    expect(approved.state.milestones[0]!.outcome).toBe('met');
    expect((await cycle.result()).items[0]).toMatchObject({ returns: 2, approved: 1, met: 1 });
    const recorded = await types(project);
    expect(recorded.filter((x) => x === 'ReportReturned')).toHaveLength(2);
    expect(recorded).toContain('EscalationRaised');
    // The cycle starts its projects with every patch in force (PATCHES_AT_START): no marker.
    const markers = (await project.fetchHistory()).events!.filter(
      (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_MARKER_RECORDED,
    );
    expect(markers).toEqual([]);
  });

  it('denies and grants extensions, moving every clock but keeping the original deadline', async () => {
    const { project } = await startCycle([only2017], 3600);
    await opened(project);
    const before = (await state(project)).milestones[0]!;
    const ask = (until: string): ProjectCommand => ({
      type: 'requestExtension',
      actor: lead,
      milestoneId: M,
      reason: '用地审批延迟',
      requestedDueAt: until,
    });
    await send(project, ask('2018-01-31T09:00:00.000Z'));
    await expect(send(project, ask('2018-02-28T09:00:00.000Z'))).rejects.toThrow();
    await send(project, {
      type: 'decideExtension',
      actor: inspector,
      milestoneId: M,
      requestId: `${M}/ext-1`,
      grant: false,
      comment: '理由不充分',
    });
    await send(project, ask('2018-01-31T09:00:00.000Z'));
    const granted = await send(project, {
      type: 'decideExtension',
      actor: inspector,
      milestoneId: M,
      requestId: `${M}/ext-2`,
      grant: true,
      comment: '同意',
    });
    const m = granted.state.milestones[0]!;
    expect(m.originalDueAt).toBe(before.dueAt);
    expect(m.dueAt).toBe('2018-01-31T09:00:00.000Z');
    expect(m.extensions.map((x) => x.status)).toEqual(['denied', 'granted']);
    const coDue = (s: typeof m) => Date.parse(s.assignments.find((a) => a.role === 'co')!.dueAt);
    expect(coDue(m) - coDue(before)).toBe(Date.parse(m.dueAt) - Date.parse(before.dueAt));
    const late = await send(project, report());
    expect(late.state.milestones[0]!.submission).toMatchObject({ late: false });
  });

  it('reassigns a co-unit assignment (转办): the new unit acts, the old one is refused', async () => {
    const { project } = await startCycle([only2017], 3600);
    await opened(project);
    const coId = `${M}/co:计财处`;
    await send(project, {
      type: 'reassign',
      actor: inspector,
      assignmentId: coId,
      toUnit: '教研室',
      reason: '职能调整',
    });
    const contribution = (actor = co): ProjectCommand => ({
      type: 'submitContribution',
      actor,
      assignmentId: coId,
      narrative: '配合材料',
      values: [],
      evidence: [],
    });
    await expect(send(project, contribution())).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const done = await send(project, contribution(unit('教研室')));
    expect(done.state.milestones[0]!.assignments.find((a) => a.assignmentId === coId)).toMatchObject({
      unit: '教研室',
      submitted: true,
    });
  });

  it('refuses unauthorized and malformed commands with a clear reason and changes nothing', async () => {
    const { project } = await startCycle([only2017], 3600);
    await opened(project);
    const recorded = await types(project);
    const refusals: [ProjectCommand, RegExp][] = [
      [{ ...report(), actor: { userId: 'a', role: 'auditor', unit: null } } as ProjectCommand, /无权/],
      [{ ...report(), actor: co } as ProjectCommand, /无权/],
      [{ type: 'approve', actor: lead, milestoneId: M, comment: '' }, /只有督导处/],
      [{ ...report(), narrative: '' } as ProjectCommand, /不能为空/],
      [{ ...report(), values: [{ targetIndex: 5, value: 1 }] } as ProjectCommand, /不存在/],
      [{ type: 'approve', actor: inspector, milestoneId: M, comment: '' }, /没有待审核/],
      [{ type: 'acknowledge', actor: lead, assignmentId: 'nope' }, /找不到/],
    ];
    for (const [command, reason] of refusals) {
      const err = await send(project, command).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause?.message).toMatch(reason);
    }
    expect(await types(project)).toEqual(recorded);
  });

  it('cancels a cycle: every project is cancelled and the cycle closes as cancelled', async () => {
    const { cycle, project } = await startCycle([only2017, { ...only2017, itemId: 'mp-02' }], 3600);
    await opened(project);
    await expect(sendCycleCancellation(cycle, { actor: lead, reason: '越权' })).rejects.toThrow();
    await sendCycleCancellation(cycle, { actor: inspector, reason: '机构改革，本轮督导取消' });
    const summary = await cycle.result();
    expect(summary.items.map((i) => i.status)).toEqual(['cancelled', 'cancelled']);
    expect(await types(project)).toEqual(expect.arrayContaining(['ProjectCancelled', 'ProjectClosed']));
    expect((await readStream(t.db, cycle.workflowId)).map((e) => e.type)).toEqual([
      'CycleStarted',
      'CycleCancelled',
      'CycleClosed',
    ]);
  });

  it('continues as new between milestones and carries the state over', async () => {
    const twoYears: CycleItem = { ...only2017, milestones: preschoolPlan.milestones.slice(0, 2) };
    // One plan day per 100 ms, opening a month before the 2016 deadline: 2017 opens after ~3 s.
    const { cycle, project } = await startCycle([twoYears], 36.5, (i) => {
      i.window = { ...i.window, opensAt: '2016-11-30T16:00:00.000Z' };
    });
    await opened(project);
    const firstRun = (await project.describe()).runId;
    await send(project, { ...report([]), milestoneId: 'mp-01/2016' } as ProjectCommand);
    await send(project, { type: 'approve', actor: inspector, milestoneId: 'mp-01/2016', comment: '' });
    await waitFor(async () => (await project.describe()).runId !== firstRun);
    const carried = await state(project);
    expect(carried.milestones[0]).toMatchObject({ milestoneId: 'mp-01/2016', outcome: 'met', rounds: 1 });
    expect(carried.seq).toBe((await readStream(t.db, project.workflowId)).length);
    await waitFor(async () => (await state(project)).milestones[1]!.phase === 'assigned');
    await send(project, report());
    await send(project, { type: 'approve', actor: inspector, milestoneId: M, comment: '' });
    expect((await cycle.result()).items[0]).toMatchObject({ milestones: 2, met: 2 });
    const seqs = (await readStream(t.db, project.workflowId)).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
