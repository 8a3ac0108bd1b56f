import type { EventBody } from '../../../domain/events';
import { foldModel } from '../../../db/projections/read-model';
import { instructionsModel } from '../../../db/projections/instructions';
import {
  INSTRUCTIONS_CYCLE,
  InstructionRejected,
  instructionMilestoneId,
  isOverdue,
  parseInstructionInput,
  planInstruction,
} from '../../../domain/instruction';
import { defaultPolicy } from '../../../domain/policy';
import {
  buildInstructionsReport,
  tallyInstructions,
  type InstructionReportRow,
} from '../../../reports/instructions';
import { CycleScript, inspector, staffOf } from '../../support/event-builder';

const policy = defaultPolicy();
const NOW = '2026-03-02T02:00:00.000Z'; // 2026-03-02 10:00 in Beijing
const input = (over: Record<string, unknown> = {}) => ({
  ...parseInstructionInput({
    leader: '王局长',
    issuedOn: '2026-03-01',
    text: '请基教处牵头，两周内拿出方案',
    unit: '基教处',
    deadline: '2026-03-16',
    ...over,
  }),
  instructionId: 'PS-1',
});

describe('planInstruction', () => {
  it('makes one milestone, open now and due at the end of the deadline day, for the responsible unit', () => {
    const plan = planInstruction(input({ coUnits: ['计财处'] }), NOW, policy);
    expect(plan.started).toMatchObject({
      itemId: 'PS-1',
      leadUnit: '基教处',
      coUnits: ['计财处'],
      kind: 'task',
    });
    expect(plan.started.milestones).toEqual([
      expect.objectContaining({
        milestoneId: instructionMilestoneId('PS-1'),
        opensAt: NOW,
        dueAt: '2026-03-16T15:59:59.000Z',
        targets: [],
      }),
    ]);
    expect(plan.record).toMatchObject({
      leader: '王局长',
      deadline: '2026-03-16T15:59:59.000Z',
      linkedItemId: null,
    });
    // Open for 30 days after the deadline: past the ladder's last level (14 days) and a week more.
    expect(plan.closesAt).toBe('2026-04-15T15:59:59.000Z');
  });

  it('stays open a week past a ladder longer than the review window', () => {
    const long = {
      ...policy,
      escalations: [{ level: 1, after: { amount: 40, unit: 'days' as const }, target: 'unit_head' as const }],
    };
    expect(planInstruction(input(), NOW, long).closesAt).toBe('2026-05-02T15:59:59.000Z');
  });

  it.each([
    [{ deadline: '2026-03-01' }, '办理期限 2026-03-01 已过（今天是 2026-03-02）'],
    [{ issuedOn: '2026-03-03', deadline: '2026-03-20' }, '批示日期 2026-03-03 晚于今天（2026-03-02）'],
    [{ issuedOn: '2026-02-20', deadline: '2026-02-10' }, '办理期限 2026-02-10 早于批示日期 2026-02-20'],
    [{ coUnits: ['基教处'] }, '基教处已是责任单位，不能同时列为配合单位'],
    [{ issuedOn: '2026-02-30' }, '日期“2026-02-30”不存在'],
  ])('refuses %p in Chinese', (over, message) => {
    expect(() => planInstruction(input(over), NOW, policy)).toThrow(new InstructionRejected(message));
  });

  it.each([
    [{ leader: '  ' }, '批示领导不能为空'],
    [{ deadline: '3月16日' }, '办理期限格式不正确，应为 YYYY-MM-DD'],
    [
      { instructionId: 'a/b' },
      '批示编号只能由字母、数字、点、横线、下划线组成（不超过40个字符），例如 PS-2026-001',
    ],
    [{ text: undefined }, '批示内容不能为空'],
  ])('refuses input %p in Chinese', (over, message) => {
    expect(() =>
      parseInstructionInput({
        leader: '王局长',
        issuedOn: '2026-03-01',
        text: '请基教处牵头',
        unit: '基教处',
        deadline: '2026-03-16',
        ...over,
      }),
    ).toThrow(message);
  });
});

describe('the instructions read model', () => {
  const plan = planInstruction(input(), NOW, policy);
  const m = instructionMilestoneId('PS-1');
  const lead = `${m}/lead`;
  const script = () => {
    const s = new CycleScript(INSTRUCTIONS_CYCLE);
    s.project('PS-1', NOW, { type: 'InstructionRecorded', data: plan.record }, inspector);
    s.project('PS-1', NOW, { type: 'ProjectStarted', data: plan.started });
    s.project('PS-1', NOW, { type: 'MilestoneOpened', data: { milestoneId: m } });
    s.project('PS-1', NOW, {
      type: 'AssignmentCreated',
      data: { milestoneId: m, assignmentId: lead, unit: '基教处', role: 'lead', dueAt: plan.record.deadline },
    });
    return s;
  };
  const report = (round: number): EventBody => ({
    type: 'ReportSubmitted',
    data: {
      milestoneId: m,
      assignmentId: lead,
      unit: '基教处',
      round,
      narrative: '方案已拟定',
      values: [],
      evidence: [],
      late: false,
      lateAgainstOriginal: false,
    },
  });
  const rowOf = (s: CycleScript) => foldModel(instructionsModel, s.events, undefined).instructions!['PS-1']!;

  it('follows the item from 交办 through rework to 办结', () => {
    const s = script();
    expect(rowOf(s)).toMatchObject({ status: 'received', leader: '王局长', unit: '基教处', rounds: 0 });
    s.project(
      'PS-1',
      NOW,
      { type: 'AssignmentAcknowledged', data: { assignmentId: lead, unit: '基教处' } },
      staffOf('基教处'),
    );
    expect(rowOf(s).status).toBe('in_progress');
    s.project('PS-1', '2026-03-10T02:00:00.000Z', report(1), staffOf('基教处'));
    expect(rowOf(s)).toMatchObject({
      status: 'submitted',
      reported_at: '2026-03-10T02:00:00.000Z',
      rounds: 1,
    });
    s.project(
      'PS-1',
      '2026-03-11T02:00:00.000Z',
      { type: 'ReportReturned', data: { milestoneId: m, round: 1, comment: '补充经费测算' } },
      inspector,
    );
    expect(rowOf(s)).toMatchObject({ status: 'in_progress', returns: 1 });
    s.project('PS-1', '2026-03-12T02:00:00.000Z', report(2), staffOf('基教处'));
    s.project(
      'PS-1',
      '2026-03-13T02:00:00.000Z',
      {
        type: 'ReportApproved',
        data: { milestoneId: m, round: 2, comment: '同意', verdict: 'met', results: [] },
      },
      inspector,
    );
    s.project('PS-1', '2026-03-13T02:00:00.000Z', {
      type: 'MilestoneClosed',
      data: { milestoneId: m, outcome: 'met' },
    });
    s.project('PS-1', '2026-03-13T02:00:00.000Z', { type: 'ProjectClosed', data: { outcome: 'completed' } });
    expect(rowOf(s)).toMatchObject({
      status: 'done',
      closed_at: '2026-03-13T02:00:00.000Z',
      outcome: 'met',
      rounds: 2,
    });
  });

  it('records the ladder, an extension and a close without a reply as missed', () => {
    const s = script();
    s.project('PS-1', '2026-03-17T02:00:00.000Z', {
      type: 'EscalationRaised',
      data: {
        milestoneId: m,
        assignmentId: lead,
        unit: '基教处',
        level: 1,
        target: 'unit_head',
        reason: 'overdue',
        dueAt: plan.record.deadline,
        notificationId: 'n1',
      },
    });
    s.project('PS-1', '2026-03-18T02:00:00.000Z', {
      type: 'ExtensionGranted',
      data: { milestoneId: m, requestId: 'r1', newDueAt: '2026-03-31T15:59:59.000Z', comment: '准予' },
    });
    expect(rowOf(s)).toMatchObject({
      escalation_level: 1,
      due_at: '2026-03-31T15:59:59.000Z',
      original_due_at: '2026-03-16T15:59:59.000Z',
    });
    s.project('PS-1', plan.closesAt, {
      type: 'MilestoneClosed',
      data: { milestoneId: m, outcome: 'missed' },
    });
    expect(rowOf(s)).toMatchObject({ status: 'missed', outcome: 'missed', closed_at: plan.closesAt });
  });

  it('keeps no row for a plan item', () => {
    const s = new CycleScript('c2017');
    s.project('2.1.4.1', NOW, { type: 'ProjectStarted', data: { ...plan.started, itemId: '2.1.4.1' } });
    s.project('2.1.4.1', NOW, {
      type: 'ReportApproved',
      data: { milestoneId: m, round: 1, comment: '', verdict: 'met', results: [] },
    });
    expect(foldModel(instructionsModel, s.events, undefined).instructions ?? {}).toEqual({});
  });
});

describe('the instructions report', () => {
  const row = (over: Partial<InstructionReportRow>): InstructionReportRow => ({
    instruction_id: 'PS-1',
    leader: '王局长',
    issued_on: '2026-03-01',
    text: '请基教处牵头，两周内拿出方案',
    unit: '基教处',
    status: 'in_progress',
    original_due_at: '2026-03-16T15:59:59.000Z',
    due_at: '2026-03-16T15:59:59.000Z',
    reported_at: null,
    closed_at: null,
    escalation_level: 0,
    ...over,
  });
  const rows = [
    row({ instruction_id: 'A', status: 'done', closed_at: '2026-03-10T00:00:00.000Z' }),
    row({ instruction_id: 'B', status: 'received' }),
    row({
      instruction_id: 'C',
      status: 'submitted',
      leader: '李副局长',
      unit: '计财处',
      due_at: '2026-04-30T15:59:59.000Z',
    }),
    row({ instruction_id: 'D', status: 'missed', leader: '李副局长' }),
    row({ instruction_id: 'E', status: 'cancelled', unit: '计财处' }),
  ];
  const at = '2026-03-20T00:00:00.000Z';

  it('counts received, in progress, 办结 and overdue', () => {
    expect(tallyInstructions(rows, at)).toEqual({
      received: 5,
      inProgress: 2,
      done: 1,
      overdue: 2,
      cancelled: 1,
    });
    // Before the deadline nothing open is overdue; a missed one always is.
    expect(tallyInstructions(rows, '2026-03-15T00:00:00.000Z').overdue).toBe(1);
    expect(isOverdue(row({ status: 'done' }), at)).toBe(false);
  });

  it('tallies per leader and per unit, with the 办结率 over what was not withdrawn', () => {
    const report = buildInstructionsReport(rows, { schema: 'public', at });
    const [total, byLeader, byUnit, detail] = report.tables;
    expect(total!.rows).toEqual([expect.objectContaining({ received: 5, done: 1, rate: '25.0%' })]);
    expect(byLeader!.rows).toEqual([
      expect.objectContaining({ group: '李副局长', received: 2, inProgress: 1, done: 0, overdue: 1 }),
      expect.objectContaining({
        group: '王局长',
        received: 3,
        inProgress: 1,
        done: 1,
        overdue: 1,
        rate: '50.0%',
      }),
    ]);
    expect(byUnit!.rows.map((r) => [r.group, r.received, r.done, r.cancelled])).toEqual([
      ['基教处', 3, 1, 0],
      ['计财处', 2, 0, 1],
    ]);
    expect(detail!.rows.find((r) => r.id === 'D')).toMatchObject({ status: '逾期未办结', overdue: '是' });
    expect(detail!.rows.find((r) => r.id === 'A')).toMatchObject({
      status: '已办结',
      closed: '2026-03-10',
      overdue: '否',
    });
    expect(report.charts).toHaveLength(1);
  });
});
