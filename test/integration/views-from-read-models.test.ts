import { board, cycleBoard, escalations, inbox, reviewQueue } from '../../app/views';
import { assignmentIdOf } from '../../domain/project';
import { defaultPolicy } from '../../domain/policy';
import { freshDatabase, type TestDatabase } from '../support/db';
import { appendInOrder, CycleScript, inspector, milestonePlan, staffOf } from '../support/event-builder';

/**
 * The inbox, board and queues read the read models, one query each: what the event log holds is
 * what the next read shows, stuck work is marked rather than left out, and no Temporal workflow is
 * asked anything (the projects below have none: any query to one would fail).
 */
describe('views from the read models', () => {
  let t: TestDatabase;
  const s = new CycleScript('views-c1');
  const due = '2017-06-30T17:00:00+08:00';
  const m1 = milestonePlan('p1', due, [
    { metric: '学前三年毛入园率', op: '>=', value: 97, unit: '%', year: 2017 },
  ]);
  const lead = assignmentIdOf(m1.milestoneId, 'lead', '基教处');
  const co = assignmentIdOf(m1.milestoneId, 'co', '职成处');
  const at = (day: string) => `${day}T09:00:00+08:00`;

  beforeAll(async () => {
    t = await freshDatabase();
    s.cycle(
      at('2017-01-05'),
      {
        type: 'CycleStarted',
        data: {
          name: '读模型视图测试',
          planId: 'plan-1',
          planVersion: 1,
          scope: { kinds: ['major_project'] },
          window: { opensAt: at('2017-01-10'), submissionDueAt: due, reviewDueAt: at('2017-07-31') },
          policy: defaultPolicy(),
          drill: null,
          itemIds: ['item-p1'],
          // Plan time all but stands still at 1 March 2017, whenever the test runs: colours are fixed.
          clock: { realOrigin: '2026-01-01T00:00:00.000Z', planOrigin: at('2017-03-01'), scale: 1e-9 },
        },
      },
      inspector,
    );
    s.project('p1', at('2017-01-10'), {
      type: 'ProjectStarted',
      data: {
        itemId: 'item-p1',
        kind: 'major_project',
        title: '学前教育三年行动计划',
        section: '三、重大项目',
        leadUnit: '基教处',
        coUnits: ['职成处'],
        targets: m1.targets,
        milestones: [m1],
      },
    });
    s.project('p1', at('2017-01-10'), { type: 'MilestoneOpened', data: { milestoneId: m1.milestoneId } });
    for (const [assignmentId, unit, role] of [
      [lead, '基教处', 'lead'],
      [co, '职成处', 'co'],
    ] as const)
      s.project('p1', at('2017-01-10'), {
        type: 'AssignmentCreated',
        data: { milestoneId: m1.milestoneId, assignmentId, unit, role, dueAt: due },
      });
    await appendInOrder(t.db, s.events);
  });
  afterAll(async () => t.drop());

  const append = async (...bodies: Parameters<CycleScript['project']>[]) => {
    const from = s.events.length;
    for (const args of bodies) s.project(...args);
    await appendInOrder(t.db, s.events.slice(from));
  };

  it('lists the open project on the board and in each unit inbox, coloured at the cycle clock', async () => {
    const [row, ...others] = await board(t.db);
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      cycleId: 'views-c1',
      itemId: 'item-p1',
      leadUnit: '基教处',
      coUnits: ['职成处'],
      status: 'active',
      rag: 'green',
      stuck: null,
    });
    expect(row!.milestones.map((m) => [m.milestoneId, m.phase, m.rag, m.dueAt])).toEqual([
      [m1.milestoneId, 'assigned', 'green', new Date(due).toISOString()],
    ]);
    const items = await inbox(t.db, '基教处');
    expect(items.map((i) => [i.assignmentId, i.role, i.phase, i.acknowledged])).toEqual([
      [lead, 'lead', 'assigned', false],
    ]);
    expect(items[0]!.targets).toEqual(m1.targets);
    expect(await inbox(t.db, '规划处')).toEqual([]);
    expect(await board(t.db, 'another-cycle')).toEqual([]);
  });

  it('shows a new event at the next read', async () => {
    await append([
      'p1',
      at('2017-01-11'),
      { type: 'AssignmentAcknowledged', data: { assignmentId: lead, unit: '基教处' } },
      staffOf('基教处'),
    ]);
    expect((await inbox(t.db, '基教处'))[0]).toMatchObject({ acknowledged: true, phase: 'assigned' });

    const evidence = [{ ref: 'evidence/1.pdf', sha256: 'a'.repeat(64), name: '佐证材料.pdf' }];
    await append(
      [
        'p1',
        at('2017-02-20'),
        {
          type: 'ContributionSubmitted',
          data: {
            milestoneId: m1.milestoneId,
            assignmentId: co,
            unit: '职成处',
            narrative: '配合材料',
            values: [],
            evidence: [],
            late: false,
          },
        },
        staffOf('职成处'),
      ],
      [
        'p1',
        at('2017-02-25'),
        {
          type: 'ReportSubmitted',
          data: {
            milestoneId: m1.milestoneId,
            assignmentId: lead,
            unit: '基教处',
            round: 1,
            narrative: '第1轮报送',
            values: [{ targetIndex: 0, value: 98 }],
            evidence,
            late: false,
            lateAgainstOriginal: false,
          },
        },
        staffOf('基教处'),
      ],
    );
    expect((await inbox(t.db, '职成处'))[0]).toMatchObject({ phase: 'contributed', submitted: true });
    const queue = reviewQueue(await board(t.db));
    expect(queue.reports).toEqual([
      expect.objectContaining({
        itemId: 'item-p1',
        milestoneId: m1.milestoneId,
        leadUnit: '基教处',
        round: 1,
        values: [{ label: '学前三年毛入园率（%）', value: 98 }],
        evidence,
      }),
    ]);

    await append(
      [
        'p1',
        at('2017-02-27'),
        {
          type: 'ReportReturned',
          data: { milestoneId: m1.milestoneId, round: 1, comment: '数据口径不一致' },
        },
        inspector,
      ],
      [
        'p1',
        at('2017-02-28'),
        {
          type: 'ExtensionRequested',
          data: {
            milestoneId: m1.milestoneId,
            requestId: 'x-1',
            unit: '基教处',
            reason: '补充统计',
            requestedDueAt: at('2017-08-31'),
          },
        },
        staffOf('基教处'),
      ],
    );
    const [item] = await inbox(t.db, '基教处');
    expect(item).toMatchObject({
      phase: 'returned',
      rag: 'amber',
      returnComment: '数据口径不一致',
      pendingExtension: true,
    });
    const after = reviewQueue(await board(t.db));
    expect(after.reports).toEqual([]);
    expect(after.extensions.map((x) => [x.requestId, x.unit, x.requestedDueAt])).toEqual([
      ['x-1', '基教处', new Date(at('2017-08-31')).toISOString()],
    ]);
  });

  it('lists the escalated assignment under 督办', async () => {
    await append([
      'p1',
      at('2017-02-28'),
      {
        type: 'EscalationRaised',
        data: {
          milestoneId: m1.milestoneId,
          assignmentId: lead,
          unit: '基教处',
          level: 1,
          target: 'unit_head',
          reason: 'overdue',
          dueAt: due,
          notificationId: 'n-esc-1',
        },
      },
    ]);
    expect(escalations(await board(t.db)).map((e) => [e.milestoneId, e.unit, e.level])).toEqual([
      [m1.milestoneId, '基教处', 1],
    ]);
  });

  it('marks a stuck project at the next read and keeps listing it; the mark goes when it recovers', async () => {
    await t.db
      .insertInto('workflow_health')
      .values({
        workflow_id: 'cycle-views-c1/item-p1',
        cycle_id: 'views-c1',
        item_id: 'item-p1',
        problem: 'query_failing',
        detail: 'query timed out',
        since: '2026-01-01T00:00:00.000Z',
        attempts: 3,
        checked_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    const stuck = { problem: 'query_failing', since: '2026-01-01T00:00:00.000Z' };
    expect((await board(t.db)).map((r) => [r.itemId, r.stuck])).toEqual([['item-p1', stuck]]);
    expect((await inbox(t.db, '基教处')).map((i) => i.stuck)).toEqual([stuck]);

    await t.db.deleteFrom('workflow_health').where('workflow_id', '=', 'cycle-views-c1/item-p1').execute();
    expect((await board(t.db)).map((r) => [r.itemId, r.stuck])).toEqual([['item-p1', null]]);
  });

  it('drops a project from the views once it is cancelled', async () => {
    await append([
      'p1',
      at('2017-03-01'),
      { type: 'ProjectCancelled', data: { reason: '项目撤销' } },
      inspector,
    ]);
    expect(await board(t.db)).toEqual([]);
    expect(await inbox(t.db, '基教处')).toEqual([]);
    // The cycle's own board (the web page's) keeps it: a cycle's finished projects stay browsable.
    expect(
      (await cycleBoard(t.db, 'views-c1')).map((r) => [r.itemId, r.status, r.section, r.overdue]),
    ).toEqual([['item-p1', 'cancelled', '三、重大项目', 0]]);
  });
});
