import type { DomainEvent } from '../../../domain/events';
import { foldModel } from '../../../db/projections/read-model';
import { cyclesModel } from '../../../db/projections/cycles';
import { projectStatusModel } from '../../../db/projections/project-status';
import { assignmentsModel } from '../../../db/projections/assignments';
import { submissionsModel } from '../../../db/projections/submissions';
import { noticesModel } from '../../../db/projections/notices';
import { extensionRequestsModel } from '../../../db/projections/extension-requests';
import { targetProgressModel } from '../../../db/projections/target-progress';
import { unitScoresModel } from '../../../db/projections/unit-scores';
import { DEFAULT_RAG_POLICY, milestoneRag } from '../../../db/projections/rag';
import { demoCycle } from '../../support/event-builder';

const { events } = demoCycle();
const upTo = (eventId: string): DomainEvent[] =>
  events.slice(0, events.findIndex((e) => e.eventId === eventId) + 1);
const ofProject = (projectId: string, list: DomainEvent[] = events) =>
  list.filter((e) => e.projectId === projectId);
const policy = DEFAULT_RAG_POLICY;

describe('cycles', () => {
  it('counts started and closed projects and keeps the scoring baseline', () => {
    const { cycles } = foldModel(cyclesModel, events, undefined);
    expect(cycles!.c2017).toMatchObject({
      status: 'open',
      scoring_baseline: 'original',
      projects_started: 4,
      projects_closed: 3,
      submission_due_at: '2017-06-30T09:00:00.000Z',
    });
  });

  it('records an extension of the window and a cancellation', () => {
    const [started] = events;
    const extended = {
      ...started!,
      eventId: 'x1',
      type: 'CycleExtended',
      data: {
        window: {
          opensAt: '2017-01-10T00:00:00+08:00',
          submissionDueAt: '2017-07-31T17:00:00+08:00',
          reviewDueAt: '2017-08-31T17:00:00+08:00',
        },
        reason: '汛期顺延',
      },
    } as DomainEvent;
    const cancelled = {
      ...started!,
      eventId: 'x2',
      type: 'CycleCancelled',
      data: { reason: '机构改革' },
    } as DomainEvent;
    const { cycles } = foldModel(cyclesModel, [started!, extended, cancelled], undefined);
    expect(cycles!.c2017).toMatchObject({
      status: 'cancelled',
      submission_due_at: '2017-07-31T09:00:00.000Z',
      original_submission_due_at: '2017-06-30T09:00:00.000Z',
      note: '机构改革',
    });
  });
});

describe('project status and 红黄绿灯', () => {
  const fold = (list: DomainEvent[]) => foldModel(projectStatusModel, list, policy);

  it('colours a returned-then-approved project green with the approving event as the reason', () => {
    const { projects, milestones } = fold(ofProject('p1'));
    expect(projects!.p1).toMatchObject({
      status: 'closed',
      outcome: 'completed',
      rag: 'green',
      rag_rule: 'met',
      milestones_met: 1,
    });
    expect(milestones!['p1\u0001p1/m1']).toMatchObject({ rounds: 2, returns: 1, outcome: 'met' });
  });

  it('keeps a report awaiting review green inside the amber window, naming its deadline', () => {
    const { milestones } = fold(ofProject('p1', upTo('project:p1#9')));
    expect(milestones!['p1\u0001p1/m1']).toMatchObject({
      rag: 'green',
      rag_rule: 'in_review',
      rag_deadline: '2017-06-30T09:00:00.000Z',
    });
  });

  it('turns red once overdue (督办 raised) and keeps the event that set the colour', () => {
    const { projects, milestones } = fold(ofProject('p3'));
    const m = milestones!['p3\u0001p3/m1']!;
    expect(m).toMatchObject({ rag: 'red', rag_rule: 'overdue', escalation_level: 2 });
    expect(m.rag_event_id).toBe('project:p3#8');
    expect(projects!.p3).toMatchObject({ rag: 'red', rag_milestone_id: 'p3/m1' });
  });

  it('moves the operational deadline on a granted extension and keeps the original', () => {
    const { milestones } = fold(ofProject('p2', upTo('project:p2#6')));
    expect(milestones!['p2\u0001p2/m1']).toMatchObject({
      due_at: '2017-08-31T09:00:00.000Z',
      original_due_at: '2017-06-30T09:00:00.000Z',
    });
  });

  it('shows suspension and cancellation', () => {
    expect(fold(ofProject('p4', upTo('project:p4#5'))).projects!.p4!.status).toBe('suspended');
    const { projects, milestones } = fold(ofProject('p4'));
    expect(projects!.p4).toMatchObject({ status: 'closed', outcome: 'cancelled', rag: null });
    expect(milestones!['p4\u0001p4/m1']).toMatchObject({ outcome: 'cancelled', rag_rule: 'cancelled' });
  });

  it('applies the rules in order', () => {
    const open = {
      status: 'assigned' as const,
      outcome: null,
      opens_at: '2017-01-01T00:00:00.000Z',
      due_at: '2017-06-30T09:00:00.000Z',
      returns: 0,
    };
    expect(milestoneRag(open, '2017-05-01T00:00:00Z', policy).rag).toBe('green');
    expect(milestoneRag(open, '2017-07-01T00:00:00Z', policy)).toMatchObject({ rag: 'red', rule: 'overdue' });
    // The board applies the one rule of domain/rag.ts: returned maxReturns times is red.
    expect(milestoneRag({ ...open, returns: 2 }, '2017-05-01T00:00:00Z', policy)).toMatchObject({
      rag: 'red',
      rule: 'too_many_returns',
    });
  });
});

describe('assignments (the inbox)', () => {
  const fold = (list: DomainEvent[]) => foldModel(assignmentsModel, list, undefined).assignments!;

  it('follows acknowledgement, submission, return and approval', () => {
    expect(fold(ofProject('p1', upTo('project:p1#10')))['p1/m1/lead']).toMatchObject({
      status: 'returned',
      returns: 1,
      rounds: 1,
    });
    expect(fold(ofProject('p1'))['p1/m1/lead']).toMatchObject({
      status: 'approved',
      rounds: 2,
      reminders: 1,
    });
    expect(fold(ofProject('p1'))['p1/m1/co:职成处']).toMatchObject({ status: 'closed', role: 'co' });
  });

  it('hands a reassigned assignment to the new unit, to be acknowledged afresh', () => {
    expect(fold(ofProject('p3'))['p3/m1/lead']).toMatchObject({
      unit: '规划处',
      reassigned_from: '财务处',
      status: 'acknowledged',
      escalation_level: 2,
    });
  });

  it('moves every deadline of the milestone on an extension, and cancels with the project', () => {
    expect(fold(ofProject('p2', upTo('project:p2#6')))['p2/m1/lead']!.due_at).toBe(
      '2017-08-31T09:00:00.000Z',
    );
    expect(fold(ofProject('p4', upTo('project:p4#5')))['p4/m1/lead']!.suspended).toBe(true);
    expect(fold(ofProject('p4'))['p4/m1/lead']).toMatchObject({ status: 'cancelled', suspended: false });
  });
});

describe('submissions and reviews', () => {
  it('records each round with its verdict or reason for return', () => {
    const rows = Object.values(foldModel(submissionsModel, ofProject('p1'), undefined).submissions!);
    expect(rows.map((r) => [r.kind, r.round, r.review, r.review_comment])).toEqual([
      ['contribution', null, 'not_reviewed', null],
      ['report', 1, 'returned', '佐证材料不足，请补充入园统计表'],
      ['report', 2, 'approved', '达标'],
    ]);
    expect(rows[2]!.reviewed_by).toBe('督导处');
  });
});

describe('notices', () => {
  it('keeps every 催办 and 督办 with its level and target', () => {
    const rows = Object.values(foldModel(noticesModel, events, undefined).notices!);
    expect(rows.map((r) => [r.notification_id, r.kind, r.level, r.target])).toEqual([
      ['n-p1-r1', 'reminder', null, null],
      ['n-p3-r1', 'reminder', null, null],
      ['n-p3-r2', 'reminder', null, null],
      ['n-p3-e1', 'escalation', 1, 'unit_head'],
      ['n-p3-e2', 'escalation', 2, 'division_leader'],
    ]);
  });
});

describe('extension requests', () => {
  it('records granted and denied requests', () => {
    const rows = foldModel(extensionRequestsModel, events, undefined).extension_requests!;
    expect(rows['x-p2-1']).toMatchObject({ status: 'granted', new_due_at: '2017-08-31T09:00:00.000Z' });
    expect(rows['x-p3-1']).toMatchObject({
      status: 'denied',
      new_due_at: null,
      decision_comment: '已逾期，不予延期',
    });
  });
});

describe('target progress', () => {
  it('tracks the latest reported value and the judged result', () => {
    const rows = foldModel(targetProgressModel, events, undefined).target_progress!;
    expect(rows['p1\u0001p1/m1\u00010']).toMatchObject({ reported: 97.5, reported_round: 2, met: true });
    expect(rows['p2\u0001p2/m1\u00010']).toMatchObject({ reported: 80, met: false });
    expect(rows['p3\u0001p3/m1\u00010']).toMatchObject({ reported: null, met: null });
    const midway = foldModel(targetProgressModel, upTo('project:p1#9'), undefined).target_progress!;
    expect(midway['p1\u0001p1/m1\u00010']).toMatchObject({ reported: 95, met: null });
  });
});

describe('unit score lines', () => {
  it('judges timeliness on the first submission and counts returns, escalations and targets', () => {
    const lines = foldModel(unitScoresModel, events, undefined).unit_score_lines!;
    expect(lines['p1/m1/lead']).toMatchObject({
      unit: '基教处',
      late: false,
      returns: 1,
      targets_met: 1,
      targets_total: 1,
    });
    expect(lines['p2/m1/lead']).toMatchObject({ late: false, late_against_original: true, targets_met: 0 });
    expect(lines['p3/m1/lead']).toMatchObject({
      unit: '规划处',
      submitted: false,
      escalations: 2,
      max_escalation_level: 2,
    });
  });
});
