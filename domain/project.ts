import type { EventBody, EventOf, MilestonePlan, ReportedValue, EvidenceRef, TargetResult } from './events';
import type { Target, ItemKind } from './plan';
import type { CyclePolicy } from './policy';
import type { Principal } from './principal';
import { DomainError, type ProjectCommand } from './commands';
import { adjustToWorkingDay, shift, spanLabel } from './calendar';

/**
 * The project decider: `decide` turns a command (or the passage of time, `tick`) into events,
 * `evolve` folds events into state. The workflow and the projections share `evolve`, so what the
 * workflow acts on and what the reports show are the same fold over the same events.
 */

export type AssignmentState = {
  assignmentId: string;
  unit: string;
  role: 'lead' | 'co';
  dueAt: string;
  acknowledged: boolean;
  submitted: boolean;
  late: boolean;
  /** Highest 督办 level raised for the current due date, and reminders already sent for it. */
  escalationLevel: number;
  remindersSent: string[];
};

export type ExtensionState = {
  requestId: string;
  unit: string;
  reason: string;
  requestedDueAt: string;
  status: 'pending' | 'granted' | 'denied';
  comment: string;
};

export type SubmissionState = {
  round: number;
  narrative: string;
  values: ReportedValue[];
  evidence: EvidenceRef[];
  late: boolean;
  lateAgainstOriginal: boolean;
  at: string;
};

export type MilestonePhase = 'scheduled' | 'assigned' | 'submitted' | 'returned' | 'approved' | 'closed';

export type MilestoneState = {
  milestoneId: string;
  year: number | null;
  text: string;
  targets: Target[];
  opensAt: string;
  /** 原定期限: kept for scoring (按原定时间考核). */
  originalDueAt: string;
  /** The operational deadline timers follow; moved by a granted extension. */
  dueAt: string;
  phase: MilestonePhase;
  outcome: 'met' | 'missed' | 'cancelled' | null;
  assignments: AssignmentState[];
  rounds: number;
  returns: number;
  lastReturnComment: string | null;
  submission: SubmissionState | null;
  results: TargetResult[];
  approved: boolean;
  extensions: ExtensionState[];
  escalatedForReturns: boolean;
  /** The event that last changed this milestone, for explainable colours. */
  lastEventId: string | null;
};

export type ProjectState = {
  streamId: string;
  cycleId: string;
  projectId: string;
  itemId: string;
  kind: ItemKind;
  title: string;
  section: string;
  leadUnit: string;
  coUnits: string[];
  targets: Target[];
  policy: CyclePolicy;
  status: 'active' | 'suspended' | 'cancelled' | 'closed';
  milestones: MilestoneState[];
  /** Last sequence number in the stream. */
  seq: number;
  lastEventId: string | null;
};

export type ProjectIdentity = {
  streamId: string;
  cycleId: string;
  projectId: string;
  policy: CyclePolicy;
};

export const emptyProject = (id: ProjectIdentity): ProjectState => ({
  ...id,
  itemId: id.projectId,
  kind: 'major_project',
  title: '',
  section: '',
  leadUnit: '',
  coUnits: [],
  targets: [],
  status: 'active',
  milestones: [],
  seq: 0,
  lastEventId: null,
});

/** Event ids are derived, never random: a stream's n-th event is `<stream>#<n>`. */
export const eventIdOf = (streamId: string, seq: number): string => `${streamId}#${seq}`;
export const assignmentIdOf = (milestoneId: string, role: 'lead' | 'co', unit: string): string =>
  `${milestoneId}/${role === 'lead' ? 'lead' : `co:${unit}`}`;

// ───────────────────────────── evolve ─────────────────────────────

export function evolve(state: ProjectState, event: EventBody, eventId: string | null = null): ProjectState {
  const s: ProjectState = { ...state, seq: state.seq + 1, lastEventId: eventId };
  const touch = (milestoneId: string, f: (m: MilestoneState) => MilestoneState): ProjectState => ({
    ...s,
    milestones: s.milestones.map((m) =>
      m.milestoneId === milestoneId ? { ...f(m), lastEventId: eventId } : m,
    ),
  });
  const touchAssignment = (
    assignmentId: string,
    f: (a: AssignmentState) => AssignmentState,
  ): ProjectState => ({
    ...s,
    milestones: s.milestones.map((m) =>
      m.assignments.some((a) => a.assignmentId === assignmentId)
        ? {
            ...m,
            lastEventId: eventId,
            assignments: m.assignments.map((a) => (a.assignmentId === assignmentId ? f(a) : a)),
          }
        : m,
    ),
  });

  switch (event.type) {
    case 'ProjectStarted':
      return {
        ...s,
        itemId: event.data.itemId,
        kind: event.data.kind,
        title: event.data.title,
        section: event.data.section,
        leadUnit: event.data.leadUnit,
        coUnits: event.data.coUnits,
        targets: event.data.targets,
        milestones: event.data.milestones.map(newMilestone),
      };
    case 'MilestoneOpened':
      return touch(event.data.milestoneId, (m) => ({ ...m, phase: 'assigned' }));
    case 'AssignmentCreated':
      return touch(event.data.milestoneId, (m) => ({
        ...m,
        assignments: [
          ...m.assignments,
          {
            assignmentId: event.data.assignmentId,
            unit: event.data.unit,
            role: event.data.role,
            dueAt: event.data.dueAt,
            acknowledged: false,
            submitted: false,
            late: false,
            escalationLevel: 0,
            remindersSent: [],
          },
        ],
      }));
    case 'AssignmentAcknowledged':
      return touchAssignment(event.data.assignmentId, (a) => ({ ...a, acknowledged: true }));
    case 'AssignmentReassigned':
      return touchAssignment(event.data.assignmentId, (a) => ({
        ...a,
        unit: event.data.toUnit,
        acknowledged: false,
        escalationLevel: 0,
        remindersSent: [],
      }));
    case 'ContributionSubmitted':
      return touchAssignment(event.data.assignmentId, (a) => ({
        ...a,
        submitted: true,
        late: event.data.late,
      }));
    case 'ReportSubmitted': {
      const next = touch(event.data.milestoneId, (m) => ({
        ...m,
        phase: 'submitted',
        rounds: event.data.round,
        submission: {
          round: event.data.round,
          narrative: event.data.narrative,
          values: event.data.values,
          evidence: event.data.evidence,
          late: event.data.late,
          lateAgainstOriginal: event.data.lateAgainstOriginal,
          at: '',
        },
      }));
      return next;
    }
    case 'ReportApproved':
      return touch(event.data.milestoneId, (m) => ({
        ...m,
        phase: 'approved',
        approved: true,
        results: event.data.results,
        assignments: m.assignments.map((a) => (a.role === 'lead' ? { ...a, submitted: true } : a)),
      }));
    case 'ReportReturned':
      return touch(event.data.milestoneId, (m) => ({
        ...m,
        phase: 'returned',
        returns: m.returns + 1,
        lastReturnComment: event.data.comment,
      }));
    case 'ReminderSent':
      return touchAssignment(event.data.assignmentId, (a) => ({
        ...a,
        remindersSent: [...a.remindersSent, event.data.leadTime],
      }));
    case 'EscalationRaised':
      if (event.data.reason === 'too_many_returns') {
        return touch(event.data.milestoneId, (m) => ({ ...m, escalatedForReturns: true }));
      }
      return touchAssignment(event.data.assignmentId, (a) => ({ ...a, escalationLevel: event.data.level }));
    case 'ExtensionRequested':
      return touch(event.data.milestoneId, (m) => ({
        ...m,
        extensions: [
          ...m.extensions,
          {
            requestId: event.data.requestId,
            unit: event.data.unit,
            reason: event.data.reason,
            requestedDueAt: event.data.requestedDueAt,
            status: 'pending',
            comment: '',
          },
        ],
      }));
    case 'ExtensionGranted':
      return touch(event.data.milestoneId, (m) => {
        const moveBy = Date.parse(event.data.newDueAt) - Date.parse(m.dueAt);
        return {
          ...m,
          dueAt: event.data.newDueAt,
          extensions: m.extensions.map((x) =>
            x.requestId === event.data.requestId
              ? { ...x, status: 'granted', comment: event.data.comment }
              : x,
          ),
          // Every clock of the milestone moves with it; co-units keep their lead time before the lead.
          assignments: m.assignments.map((a) => ({
            ...a,
            dueAt: new Date(Date.parse(a.dueAt) + moveBy).toISOString(),
            escalationLevel: 0,
            remindersSent: [],
          })),
        };
      });
    case 'ExtensionDenied':
      return touch(event.data.milestoneId, (m) => ({
        ...m,
        extensions: m.extensions.map((x) =>
          x.requestId === event.data.requestId ? { ...x, status: 'denied', comment: event.data.comment } : x,
        ),
      }));
    case 'ProjectSuspended':
      return { ...s, status: 'suspended' };
    case 'ProjectResumed':
      return { ...s, status: 'active' };
    case 'ProjectCancelled':
      return { ...s, status: 'cancelled' };
    case 'MilestoneClosed':
      return touch(event.data.milestoneId, (m) => ({ ...m, phase: 'closed', outcome: event.data.outcome }));
    case 'ProjectClosed':
      return { ...s, status: event.data.outcome === 'cancelled' ? 'cancelled' : 'closed' };
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
      return s;
    default: {
      const never: never = event;
      return never;
    }
  }
}

const newMilestone = (m: MilestonePlan): MilestoneState => ({
  milestoneId: m.milestoneId,
  year: m.year,
  text: m.text,
  targets: m.targets,
  opensAt: m.opensAt,
  originalDueAt: m.dueAt,
  dueAt: m.dueAt,
  phase: 'scheduled',
  outcome: null,
  assignments: [],
  rounds: 0,
  returns: 0,
  lastReturnComment: null,
  submission: null,
  results: [],
  approved: false,
  extensions: [],
  escalatedForReturns: false,
  lastEventId: null,
});

// ───────────────────────────── decide ─────────────────────────────

const isUnitRole = (p: Principal) => p.role === 'unit_staff' || p.role === 'unit_head';
const requireInspector = (p: Principal) => {
  if (p.role !== 'inspector') throw new DomainError('forbidden', '只有督导处可以执行此操作');
};
const isOpenPhase = (m: MilestoneState) =>
  m.phase === 'assigned' || m.phase === 'returned' || m.phase === 'submitted';

function findMilestone(s: ProjectState, milestoneId: string): MilestoneState {
  const m = s.milestones.find((x) => x.milestoneId === milestoneId);
  if (!m) throw new DomainError('not_found', `找不到节点 ${milestoneId}`);
  return m;
}

function findAssignment(s: ProjectState, assignmentId: string): { m: MilestoneState; a: AssignmentState } {
  for (const m of s.milestones) {
    const a = m.assignments.find((x) => x.assignmentId === assignmentId);
    if (a) return { m, a };
  }
  throw new DomainError('not_found', `找不到交办事项 ${assignmentId}`);
}

function requireUnitOf(actor: Principal, a: AssignmentState): void {
  if (!isUnitRole(actor) || actor.unit !== a.unit) {
    throw new DomainError('forbidden', `此事项交办给${a.unit}，${actor.unit ?? actor.role}无权办理`);
  }
}

function requireActive(s: ProjectState, forUnits: boolean): void {
  if (s.status === 'closed' || s.status === 'cancelled')
    throw new DomainError('closed', '该项目已办结或已撤销，不能再办理');
  if (forUnits && s.status === 'suspended')
    throw new DomainError('suspended', '该项目已暂停督办，暂不能办理');
}

function requireOpen(m: MilestoneState): void {
  if (m.phase === 'closed' || m.phase === 'approved')
    throw new DomainError('closed', `节点“${m.text}”已办结`);
  if (m.phase === 'scheduled')
    throw new DomainError('wrong_state', `节点“${m.text}”尚未开始（${m.opensAt.slice(0, 10)} 交办）`);
}

/** Whether a reported value meets a target. 达到 (=) counts as reaching or passing it; ≈ allows 5%. */
export function targetMet(target: Target, value: number): boolean {
  switch (target.op) {
    case '>=':
    case '=':
      return value >= target.value;
    case '>':
      return value > target.value;
    case '<=':
      return value <= target.value;
    case '<':
      return value < target.value;
    case '≈':
      return value >= target.value * 0.95;
  }
}

export function judge(m: MilestoneState): { verdict: 'met' | 'missed'; results: TargetResult[] } {
  const values = m.submission?.values ?? [];
  const results = m.targets.map((t, i) => {
    const reported = values.find((v) => v.targetIndex === i)?.value ?? null;
    return { targetIndex: i, reported, met: reported !== null && targetMet(t, reported) };
  });
  return { verdict: results.every((r) => r.met) ? 'met' : 'missed', results };
}

/**
 * Turns a command into the events it causes at plan time `now`, or throws a DomainError and
 * changes nothing. Pure: the same state, command and time always give the same events.
 */
export function decide(s: ProjectState, c: ProjectCommand, now: string): EventBody[] {
  const after = (iso: string) => Date.parse(now) > Date.parse(iso);
  switch (c.type) {
    case 'acknowledge': {
      requireActive(s, true);
      const { m, a } = findAssignment(s, c.assignmentId);
      requireUnitOf(c.actor, a);
      requireOpen(m);
      if (a.acknowledged) throw new DomainError('conflict', '此事项已签收');
      return [{ type: 'AssignmentAcknowledged', data: { assignmentId: a.assignmentId, unit: a.unit } }];
    }
    case 'submitContribution': {
      requireActive(s, true);
      const { m, a } = findAssignment(s, c.assignmentId);
      requireUnitOf(c.actor, a);
      requireOpen(m);
      if (a.role !== 'co')
        throw new DomainError('wrong_state', '牵头单位请报送汇总报告（task submit），而非配合材料');
      validateValues(m, c.values);
      return [
        ...autoAcknowledge(a),
        {
          type: 'ContributionSubmitted',
          data: {
            milestoneId: m.milestoneId,
            assignmentId: a.assignmentId,
            unit: a.unit,
            narrative: c.narrative,
            values: c.values,
            evidence: c.evidence,
            late: after(a.dueAt),
          },
        },
      ];
    }
    case 'submitReport': {
      requireActive(s, true);
      const m = findMilestone(s, c.milestoneId);
      requireOpen(m);
      const lead = m.assignments.find((a) => a.role === 'lead')!;
      requireUnitOf(c.actor, lead);
      if (m.phase === 'submitted')
        throw new DomainError('wrong_state', '报告已报送，正在审核，请等待审核结果');
      validateValues(m, c.values);
      return [
        ...autoAcknowledge(lead),
        {
          type: 'ReportSubmitted',
          data: {
            milestoneId: m.milestoneId,
            assignmentId: lead.assignmentId,
            unit: lead.unit,
            round: m.rounds + 1,
            narrative: c.narrative,
            values: c.values,
            evidence: c.evidence,
            late: after(m.dueAt),
            lateAgainstOriginal: after(m.originalDueAt),
          },
        },
      ];
    }
    case 'approve': {
      requireInspector(c.actor);
      requireActive(s, false);
      const m = findMilestone(s, c.milestoneId);
      if (m.phase !== 'submitted') throw new DomainError('wrong_state', '该节点没有待审核的报告');
      const { verdict, results } = judge(m);
      return [
        {
          type: 'ReportApproved',
          data: { milestoneId: m.milestoneId, round: m.rounds, comment: c.comment, verdict, results },
        },
        { type: 'MilestoneClosed', data: { milestoneId: m.milestoneId, outcome: verdict } },
        ...closeIfDone(s, m.milestoneId),
      ];
    }
    case 'return': {
      requireInspector(c.actor);
      requireActive(s, false);
      const m = findMilestone(s, c.milestoneId);
      if (m.phase !== 'submitted') throw new DomainError('wrong_state', '该节点没有待审核的报告');
      const events: EventBody[] = [
        { type: 'ReportReturned', data: { milestoneId: m.milestoneId, round: m.rounds, comment: c.comment } },
      ];
      if (m.returns + 1 >= s.policy.maxReturns && !m.escalatedForReturns) {
        const lead = m.assignments.find((a) => a.role === 'lead')!;
        const level = Math.max(1, lead.escalationLevel + 1);
        const step = s.policy.escalations.find((e) => e.level === level) ?? s.policy.escalations.at(-1);
        events.push({
          type: 'EscalationRaised',
          data: {
            milestoneId: m.milestoneId,
            assignmentId: lead.assignmentId,
            unit: lead.unit,
            level,
            target: step?.target ?? 'unit_head',
            reason: 'too_many_returns',
            dueAt: m.dueAt,
            notificationId: `${s.streamId}/${lead.assignmentId}/returns-escalation`,
          },
        });
      }
      return events;
    }
    case 'requestExtension': {
      requireActive(s, true);
      const m = findMilestone(s, c.milestoneId);
      requireOpen(m);
      const lead = m.assignments.find((a) => a.role === 'lead')!;
      requireUnitOf(c.actor, lead);
      if (m.extensions.some((x) => x.status === 'pending'))
        throw new DomainError('conflict', '已有待审批的延期申请');
      if (Date.parse(c.requestedDueAt) <= Date.parse(m.dueAt)) {
        throw new DomainError('invalid_command', `申请的新期限须晚于当前期限 ${m.dueAt.slice(0, 10)}`);
      }
      return [
        {
          type: 'ExtensionRequested',
          data: {
            milestoneId: m.milestoneId,
            requestId: `${m.milestoneId}/ext-${m.extensions.length + 1}`,
            unit: lead.unit,
            reason: c.reason,
            requestedDueAt: c.requestedDueAt,
          },
        },
      ];
    }
    case 'decideExtension': {
      requireInspector(c.actor);
      requireActive(s, false);
      const m = findMilestone(s, c.milestoneId);
      const request = m.extensions.find((x) => x.requestId === c.requestId);
      if (!request) throw new DomainError('not_found', `找不到延期申请 ${c.requestId}`);
      if (request.status !== 'pending') throw new DomainError('conflict', '该延期申请已审批');
      if (!c.grant) {
        return [
          {
            type: 'ExtensionDenied',
            data: { milestoneId: m.milestoneId, requestId: request.requestId, comment: c.comment },
          },
        ];
      }
      const newDueAt = adjustToWorkingDay(c.newDueAt ?? request.requestedDueAt, s.policy.holidayRule);
      if (Date.parse(newDueAt) <= Date.parse(m.dueAt)) {
        throw new DomainError('invalid_command', `新期限须晚于当前期限 ${m.dueAt.slice(0, 10)}`);
      }
      return [
        {
          type: 'ExtensionGranted',
          data: { milestoneId: m.milestoneId, requestId: request.requestId, newDueAt, comment: c.comment },
        },
      ];
    }
    case 'reassign': {
      requireInspector(c.actor);
      requireActive(s, false);
      const { m, a } = findAssignment(s, c.assignmentId);
      requireOpen(m);
      if (a.unit === c.toUnit) throw new DomainError('invalid_command', `事项已由${c.toUnit}承办`);
      if (m.assignments.some((x) => x.unit === c.toUnit)) {
        throw new DomainError('conflict', `${c.toUnit}已承办本节点的其他事项，不能重复交办`);
      }
      return [
        {
          type: 'AssignmentReassigned',
          data: { assignmentId: a.assignmentId, fromUnit: a.unit, toUnit: c.toUnit, reason: c.reason },
        },
      ];
    }
    case 'suspend':
      requireInspector(c.actor);
      requireActive(s, false);
      if (s.status === 'suspended') throw new DomainError('conflict', '项目已处于暂停状态');
      return [{ type: 'ProjectSuspended', data: { reason: c.reason } }];
    case 'resume':
      requireInspector(c.actor);
      requireActive(s, false);
      if (s.status !== 'suspended') throw new DomainError('conflict', '项目未暂停');
      return [{ type: 'ProjectResumed', data: { reason: c.reason } }];
    case 'cancel':
      requireInspector(c.actor);
      requireActive(s, false);
      return cancelEvents(s, c.reason);
    default: {
      const never: never = c;
      return never;
    }
  }
}

export function cancelEvents(s: ProjectState, reason: string): EventBody[] {
  return [
    { type: 'ProjectCancelled', data: { reason } },
    ...s.milestones
      .filter((m) => m.phase !== 'closed')
      .map((m): EventBody => ({
        type: 'MilestoneClosed',
        data: { milestoneId: m.milestoneId, outcome: 'cancelled' },
      })),
    { type: 'ProjectClosed', data: { outcome: 'cancelled' } },
  ];
}

const autoAcknowledge = (a: AssignmentState): EventBody[] =>
  a.acknowledged
    ? []
    : [{ type: 'AssignmentAcknowledged', data: { assignmentId: a.assignmentId, unit: a.unit } }];

function validateValues(m: MilestoneState, values: ReportedValue[]): void {
  const seen = new Set<number>();
  for (const v of values) {
    if (v.targetIndex >= m.targets.length) {
      throw new DomainError(
        'invalid_command',
        `节点只有 ${m.targets.length} 个目标值，第 ${v.targetIndex + 1} 个不存在`,
      );
    }
    if (seen.has(v.targetIndex))
      throw new DomainError('invalid_command', `第 ${v.targetIndex + 1} 个目标值重复报送`);
    seen.add(v.targetIndex);
  }
}

function closeIfDone(s: ProjectState, closingMilestoneId: string): EventBody[] {
  const allClosed = s.milestones.every((m) => m.milestoneId === closingMilestoneId || m.phase === 'closed');
  return allClosed ? [{ type: 'ProjectClosed', data: { outcome: 'completed' } }] : [];
}

// ───────────────────────────── time ─────────────────────────────

/** What the passage of time causes at plan time `now`: openings, 催办 reminders, the 督办 ladder. */
export type TickOptions = {
  /**
   * Raise every 督办 level whose time has come in one tick (true), or one level per tick (false,
   * how runs recorded before the catch-up rule behave; kept for their replay).
   */
  catchUpLadder: boolean;
};

export function tick(
  s: ProjectState,
  now: string,
  closesAt: string,
  options: TickOptions = { catchUpLadder: true },
): EventBody[] {
  if (s.status !== 'active') return [];
  const t = Date.parse(now);
  const events: EventBody[] = [];
  for (const m of s.milestones) {
    if (m.phase === 'scheduled' && t >= Date.parse(m.opensAt)) {
      events.push({ type: 'MilestoneOpened', data: { milestoneId: m.milestoneId } });
      events.push(...assignmentsFor(s, m));
      continue;
    }
    if (!isOpenPhase(m)) continue;
    for (const a of m.assignments) {
      if (a.submitted || (a.role === 'lead' && m.phase === 'submitted')) continue;
      for (const lead of s.policy.reminders) {
        const label = spanLabel(lead);
        if (a.remindersSent.includes(label)) continue;
        const remindAt = Date.parse(shift(a.dueAt, lead, -1));
        if (t >= remindAt && t < Date.parse(a.dueAt)) {
          events.push({
            type: 'ReminderSent',
            data: {
              milestoneId: m.milestoneId,
              assignmentId: a.assignmentId,
              unit: a.unit,
              dueAt: a.dueAt,
              leadTime: label,
              notificationId: `${s.streamId}/${a.assignmentId}/remind/${a.dueAt}/${label}`,
            },
          });
        }
      }
      // Co-units are escalated too, but only the lead's report closes the milestone. Every level
      // whose time has come is raised, each its own event, so a late tick still leaves the full ladder.
      for (const step of s.policy.escalations) {
        if (step.level <= a.escalationLevel) continue;
        if (t >= Date.parse(shift(a.dueAt, step.after, 1)) && t > Date.parse(a.dueAt)) {
          events.push({
            type: 'EscalationRaised',
            data: {
              milestoneId: m.milestoneId,
              assignmentId: a.assignmentId,
              unit: a.unit,
              level: step.level,
              target: step.target,
              reason: 'overdue',
              dueAt: a.dueAt,
              notificationId: `${s.streamId}/${a.assignmentId}/escalate/${a.dueAt}/${step.level}`,
            },
          });
          if (!options.catchUpLadder) break;
        }
      }
    }
  }
  if (t >= Date.parse(closesAt)) {
    for (const m of s.milestones) {
      if (m.phase !== 'closed') {
        events.push({
          type: 'MilestoneClosed',
          data: { milestoneId: m.milestoneId, outcome: m.phase === 'scheduled' ? 'cancelled' : 'missed' },
        });
      }
    }
    events.push({ type: 'ProjectClosed', data: { outcome: 'completed' } });
  }
  return events;
}

function assignmentsFor(s: ProjectState, m: MilestoneState): EventBody[] {
  const coDue = adjustToWorkingDay(shift(m.dueAt, s.policy.coUnitLead, -1), s.policy.holidayRule);
  const make = (unit: string, role: 'lead' | 'co', dueAt: string): EventOf<'AssignmentCreated'> => ({
    type: 'AssignmentCreated',
    data: {
      milestoneId: m.milestoneId,
      assignmentId: assignmentIdOf(m.milestoneId, role, unit),
      unit,
      role,
      dueAt,
    },
  });
  return [make(s.leadUnit, 'lead', m.dueAt), ...s.coUnits.map((u) => make(u, 'co', coDue))];
}

export type WakeOptions = {
  /**
   * Count work that is already due (a ladder step, the cycle's close) as a reason to wake at once
   * (true). Runs recorded before this rule looked only at future instants (false) and could wait
   * forever when a slow activity let plan time pass every deadline; kept for their replay.
   */
  wakeForPastDue: boolean;
};

/**
 * The plan instant at which `tick` next has something to do, or null when nothing is pending. An
 * instant at or before `now` means there is work to do right away.
 */
export function nextWake(
  s: ProjectState,
  now: string,
  closesAt: string,
  options: WakeOptions = { wakeForPastDue: true },
): string | null {
  if (s.status !== 'active') return null;
  const t = Date.parse(now);
  const candidates: number[] = [Date.parse(closesAt)];
  for (const m of s.milestones) {
    if (m.phase === 'scheduled') candidates.push(Date.parse(m.opensAt));
    if (!isOpenPhase(m)) continue;
    for (const a of m.assignments) {
      if (a.submitted || (a.role === 'lead' && m.phase === 'submitted')) continue;
      // A reminder whose deadline has passed will never be sent: it is no reason to wake.
      const remindable = !options.wakeForPastDue || t < Date.parse(a.dueAt);
      for (const lead of s.policy.reminders) {
        if (remindable && !a.remindersSent.includes(spanLabel(lead)))
          candidates.push(Date.parse(shift(a.dueAt, lead, -1)));
      }
      const step = s.policy.escalations.find((e) => e.level > a.escalationLevel);
      if (step) candidates.push(Math.max(Date.parse(shift(a.dueAt, step.after, 1)), Date.parse(a.dueAt) + 1));
    }
  }
  const pending = options.wakeForPastDue ? candidates : candidates.filter((c) => c > t);
  return pending.length ? new Date(Math.min(...pending)).toISOString() : null;
}
