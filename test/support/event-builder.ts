import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { appendEvents } from '../../db/event-store';
import type { DomainEvent, EventBody, MilestonePlan } from '../../domain/events';
import { defaultPolicy, type CyclePolicy } from '../../domain/policy';
import { SYSTEM, type Principal } from '../../domain/principal';
import { assignmentIdOf, eventIdOf } from '../../domain/project';

export const inspector: Principal = { userId: 'duc-1', role: 'inspector', unit: '督导处' };
export const staffOf = (unit: string): Principal => ({ userId: `${unit}-经办`, role: 'unit_staff', unit });

/** Builds the envelopes of one cycle's streams: seq per stream, ids derived as the workflows derive them. */
export class CycleScript {
  readonly events: DomainEvent[] = [];
  private readonly seqs = new Map<string, number>();

  constructor(readonly cycleId: string) {}

  cycle(at: string, body: EventBody, actor: Principal = SYSTEM): DomainEvent {
    return this.push(`cycle:${this.cycleId}`, null, null, at, body, actor);
  }

  project(projectId: string, at: string, body: EventBody, actor: Principal = SYSTEM): DomainEvent {
    const milestoneId = 'milestoneId' in body.data ? body.data.milestoneId : null;
    return this.push(`project:${projectId}`, projectId, milestoneId, at, body, actor);
  }

  private push(
    streamId: string,
    projectId: string | null,
    milestoneId: string | null,
    at: string,
    body: EventBody,
    actor: Principal,
  ): DomainEvent {
    const seq = (this.seqs.get(streamId) ?? 0) + 1;
    this.seqs.set(streamId, seq);
    const event = {
      eventId: eventIdOf(streamId, seq),
      streamId,
      seq,
      schemaVersion: 1,
      at,
      actor,
      cycleId: this.cycleId,
      projectId,
      milestoneId,
      causationId: null,
      ...body,
    } as DomainEvent;
    this.events.push(event);
    return event;
  }
}

/** Appends events in the given order, one call per run of consecutive events of the same stream. */
export async function appendInOrder(db: Kysely<Database>, events: readonly DomainEvent[]): Promise<void> {
  let run: DomainEvent[] = [];
  for (const event of events) {
    if (run.length > 0 && run[0]!.streamId !== event.streamId) {
      await appendEvents(db, run);
      run = [];
    }
    run.push(event);
  }
  if (run.length > 0) await appendEvents(db, run);
}

export const milestonePlan = (
  projectId: string,
  dueAt: string,
  targets: MilestonePlan['targets'],
  text = '到2017年达到目标',
): MilestonePlan => ({
  milestoneId: `${projectId}/m1`,
  year: 2017,
  text,
  opensAt: '2017-01-10T00:00:00+08:00',
  dueAt,
  targets,
});

const started = (
  projectId: string,
  title: string,
  leadUnit: string,
  coUnits: string[],
  milestone: MilestonePlan,
): EventBody => ({
  type: 'ProjectStarted',
  data: {
    itemId: `item-${projectId}`,
    kind: 'major_project',
    title,
    section: '三、重大项目',
    leadUnit,
    coUnits,
    targets: milestone.targets,
    milestones: [milestone],
  },
});

const evidence = [{ ref: 'evidence/1.pdf', sha256: 'a'.repeat(64), name: '佐证材料.pdf' }];

/**
 * The demo cycle 2017年度重大项目专项督导, scripted through every path the reports show:
 * p1 returned once then approved (met); p2 extended, late against the original date, approved
 * as missed; p3 reassigned, overdue and escalated twice, extension denied, still open; p4
 * suspended, resumed and cancelled. `midpoint` is the id of the last event appended by 2017-07-02.
 */
export function demoCycle(policy: CyclePolicy = { ...defaultPolicy(), scoringBaseline: 'original' }): {
  events: DomainEvent[];
  midpoint: string;
} {
  const s = new CycleScript('c2017');
  const due = '2017-06-30T17:00:00+08:00';
  const m1 = milestonePlan('p1', due, [
    { metric: '学前三年毛入园率', op: '>=', value: 97, unit: '%', year: 2017 },
  ]);
  const m2 = milestonePlan('p2', due, [
    { metric: '义务教育巩固率', op: '>=', value: 90, unit: '%', year: 2017 },
  ]);
  const m3 = milestonePlan('p3', due, [
    { metric: '新建校舍面积', op: '>=', value: 12, unit: '万平方米', year: 2017 },
  ]);
  const m4 = milestonePlan('p4', due, []);

  s.cycle(
    '2017-01-05T09:00:00+08:00',
    {
      type: 'CycleStarted',
      data: {
        name: '2017年度重大项目专项督导',
        planId: 'quzhou-13th',
        planVersion: 1,
        scope: { kinds: ['major_project'] },
        window: {
          opensAt: '2017-01-10T00:00:00+08:00',
          submissionDueAt: due,
          reviewDueAt: '2017-07-31T17:00:00+08:00',
        },
        policy,
        drill: null,
        itemIds: ['item-p1', 'item-p2', 'item-p3', 'item-p4'],
      },
    },
    inspector,
  );
  const plans: [string, string, string, string[], MilestonePlan][] = [
    ['p1', '学前教育三年行动计划', '基教处', ['职成处'], m1],
    ['p2', '义务教育均衡发展', '规划处', [], m2],
    ['p3', '中小学校舍建设工程', '财务处', [], m3],
    ['p4', '教育信息化平台', '职成处', [], m4],
  ];
  const t0 = '2017-01-10T09:00:00+08:00';
  for (const [id, title, lead, co, m] of plans) {
    s.project(id, t0, started(id, title, lead, co, m));
    s.project(id, t0, { type: 'MilestoneOpened', data: { milestoneId: m.milestoneId } });
    s.project(id, t0, {
      type: 'AssignmentCreated',
      data: {
        milestoneId: m.milestoneId,
        assignmentId: assignmentIdOf(m.milestoneId, 'lead', lead),
        unit: lead,
        role: 'lead',
        dueAt: due,
      },
    });
    for (const unit of co) {
      s.project(id, t0, {
        type: 'AssignmentCreated',
        data: {
          milestoneId: m.milestoneId,
          assignmentId: assignmentIdOf(m.milestoneId, 'co', unit),
          unit,
          role: 'co',
          dueAt: '2017-06-23T17:00:00+08:00',
        },
      });
    }
  }
  const lead = (m: MilestonePlan) => assignmentIdOf(m.milestoneId, 'lead', '');
  const ack = (id: string, m: MilestonePlan, unit: string, at: string) =>
    s.project(
      id,
      at,
      { type: 'AssignmentAcknowledged', data: { assignmentId: lead(m), unit } },
      staffOf(unit),
    );

  ack('p1', m1, '基教处', '2017-01-11T10:00:00+08:00');
  s.project(
    'p1',
    '2017-01-11T11:00:00+08:00',
    {
      type: 'AssignmentAcknowledged',
      data: { assignmentId: assignmentIdOf(m1.milestoneId, 'co', '职成处'), unit: '职成处' },
    },
    staffOf('职成处'),
  );
  ack('p2', m2, '规划处', '2017-01-12T10:00:00+08:00');
  s.project(
    'p3',
    '2017-01-13T09:00:00+08:00',
    {
      type: 'AssignmentReassigned',
      data: {
        assignmentId: lead(m3),
        fromUnit: '财务处',
        toUnit: '规划处',
        reason: '职能调整，校舍建设归口规划处',
      },
    },
    inspector,
  );
  ack('p3', m3, '规划处', '2017-01-16T10:00:00+08:00');
  ack('p4', m4, '职成处', '2017-01-16T11:00:00+08:00');

  s.project(
    'p4',
    '2017-03-01T09:00:00+08:00',
    { type: 'ProjectSuspended', data: { reason: '等待省级平台统一部署' } },
    inspector,
  );
  s.project(
    'p2',
    '2017-06-01T09:00:00+08:00',
    {
      type: 'ExtensionRequested',
      data: {
        milestoneId: m2.milestoneId,
        requestId: 'x-p2-1',
        unit: '规划处',
        reason: '统计口径调整',
        requestedDueAt: '2017-08-31T17:00:00+08:00',
      },
    },
    staffOf('规划处'),
  );
  s.project(
    'p2',
    '2017-06-05T09:00:00+08:00',
    {
      type: 'ExtensionGranted',
      data: {
        milestoneId: m2.milestoneId,
        requestId: 'x-p2-1',
        newDueAt: '2017-08-31T17:00:00+08:00',
        comment: '同意延期至8月底',
      },
    },
    inspector,
  );
  s.project(
    'p4',
    '2017-06-10T09:00:00+08:00',
    { type: 'ProjectResumed', data: { reason: '省级平台已部署' } },
    inspector,
  );

  const remind = (id: string, m: MilestonePlan, unit: string, at: string, leadTime: string, n: number) =>
    s.project(id, at, {
      type: 'ReminderSent',
      data: {
        milestoneId: m.milestoneId,
        assignmentId: lead(m),
        unit,
        dueAt: due,
        leadTime,
        notificationId: `n-${id}-r${n}`,
      },
    });
  remind('p1', m1, '基教处', '2017-06-23T09:00:00+08:00', '7天', 1);
  remind('p3', m3, '规划处', '2017-06-23T09:00:00+08:00', '7天', 1);
  s.project(
    'p1',
    '2017-06-22T15:00:00+08:00',
    {
      type: 'ContributionSubmitted',
      data: {
        milestoneId: m1.milestoneId,
        assignmentId: assignmentIdOf(m1.milestoneId, 'co', '职成处'),
        unit: '职成处',
        narrative: '配合完成民办园摸底',
        values: [],
        evidence,
        late: false,
      },
    },
    staffOf('职成处'),
  );
  const report = (
    id: string,
    m: MilestonePlan,
    unit: string,
    at: string,
    round: number,
    value: number,
    late: boolean,
    lateAgainstOriginal: boolean,
  ) =>
    s.project(
      id,
      at,
      {
        type: 'ReportSubmitted',
        data: {
          milestoneId: m.milestoneId,
          assignmentId: lead(m),
          unit,
          round,
          narrative: `第${round}轮报送`,
          values: [{ targetIndex: 0, value }],
          evidence,
          late,
          lateAgainstOriginal,
        },
      },
      staffOf(unit),
    );
  report('p1', m1, '基教处', '2017-06-26T10:00:00+08:00', 1, 95, false, false);
  s.project(
    'p1',
    '2017-06-27T10:00:00+08:00',
    {
      type: 'ReportReturned',
      data: { milestoneId: m1.milestoneId, round: 1, comment: '佐证材料不足，请补充入园统计表' },
    },
    inspector,
  );
  report('p1', m1, '基教处', '2017-06-29T10:00:00+08:00', 2, 97.5, false, false);
  remind('p3', m3, '规划处', '2017-06-29T17:00:00+08:00', '1天', 2);
  s.project('p3', '2017-07-01T09:00:00+08:00', {
    type: 'EscalationRaised',
    data: {
      milestoneId: m3.milestoneId,
      assignmentId: lead(m3),
      unit: '规划处',
      level: 1,
      target: 'unit_head',
      reason: 'overdue',
      dueAt: due,
      notificationId: 'n-p3-e1',
    },
  });
  const midpoint = s.events[s.events.length - 1]!.eventId;

  s.project(
    'p1',
    '2017-07-03T10:00:00+08:00',
    {
      type: 'ReportApproved',
      data: {
        milestoneId: m1.milestoneId,
        round: 2,
        comment: '达标',
        verdict: 'met',
        results: [{ targetIndex: 0, reported: 97.5, met: true }],
      },
    },
    inspector,
  );
  s.project('p1', '2017-07-03T10:00:00+08:00', {
    type: 'MilestoneClosed',
    data: { milestoneId: m1.milestoneId, outcome: 'met' },
  });
  s.project('p1', '2017-07-03T10:00:00+08:00', { type: 'ProjectClosed', data: { outcome: 'completed' } });
  s.project(
    'p3',
    '2017-07-04T09:00:00+08:00',
    {
      type: 'ExtensionRequested',
      data: {
        milestoneId: m3.milestoneId,
        requestId: 'x-p3-1',
        unit: '规划处',
        reason: '施工受汛期影响',
        requestedDueAt: '2017-09-30T17:00:00+08:00',
      },
    },
    staffOf('规划处'),
  );
  s.project(
    'p3',
    '2017-07-05T09:00:00+08:00',
    {
      type: 'ExtensionDenied',
      data: { milestoneId: m3.milestoneId, requestId: 'x-p3-1', comment: '已逾期，不予延期' },
    },
    inspector,
  );
  s.project('p3', '2017-07-08T09:00:00+08:00', {
    type: 'EscalationRaised',
    data: {
      milestoneId: m3.milestoneId,
      assignmentId: lead(m3),
      unit: '规划处',
      level: 2,
      target: 'division_leader',
      reason: 'overdue',
      dueAt: due,
      notificationId: 'n-p3-e2',
    },
  });
  s.project(
    'p4',
    '2017-07-10T09:00:00+08:00',
    { type: 'ProjectCancelled', data: { reason: '并入省级项目' } },
    inspector,
  );
  s.project('p4', '2017-07-10T09:00:00+08:00', {
    type: 'MilestoneClosed',
    data: { milestoneId: m4.milestoneId, outcome: 'cancelled' },
  });
  s.project('p4', '2017-07-10T09:00:00+08:00', { type: 'ProjectClosed', data: { outcome: 'cancelled' } });
  report('p2', m2, '规划处', '2017-08-20T10:00:00+08:00', 1, 80, false, true);
  s.project(
    'p2',
    '2017-08-25T10:00:00+08:00',
    {
      type: 'ReportApproved',
      data: {
        milestoneId: m2.milestoneId,
        round: 1,
        comment: '未达到目标值',
        verdict: 'missed',
        results: [{ targetIndex: 0, reported: 80, met: false }],
      },
    },
    inspector,
  );
  s.project('p2', '2017-08-25T10:00:00+08:00', {
    type: 'MilestoneClosed',
    data: { milestoneId: m2.milestoneId, outcome: 'missed' },
  });
  s.project('p2', '2017-08-25T10:00:00+08:00', { type: 'ProjectClosed', data: { outcome: 'completed' } });
  return { events: s.events, midpoint };
}
