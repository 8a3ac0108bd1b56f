import type { DomainEvent } from '../../domain/events';
import type { MilestonesTable, ProjectsTable } from '../tables/read-models';
import {
  evolve as evolveProject,
  emptyProject,
  type MilestoneState,
  type ProjectState,
} from '../../domain/project';
import { defaultPolicy } from '../../domain/policy';
import { iso, type ReadModel, type TablesState } from './read-model';
import { exhaustive, type Plain } from './plain';
import type { CycleRow } from './cycles';
import { DEFAULT_RAG_POLICY, forgetRag, milestoneRag, worseRag, type RagPolicy } from './rag';
import { draftRules, type Draft } from './draft';

export type ProjectRow = Plain<ProjectsTable>;
export type MilestoneRow = Plain<MilestonesTable>;
export type ProjectStatusState = {
  projects?: Record<string, ProjectRow>;
  milestones?: Record<string, MilestoneRow>;
};

const milestoneKey = (projectId: string, milestoneId: string): string => `${projectId}\u0001${milestoneId}`;

/**
 * A project as the domain's evolve takes it, holding the given milestones. Only milestone facts
 * are read back, so the identity and policy are placeholders (the colours take the cycle's policy).
 */
const NO_PROJECT = emptyProject({ streamId: '', cycleId: '', projectId: '', policy: defaultPolicy() });
const viewOf = (milestones: MilestoneState[]): ProjectState => ({ ...NO_PROJECT, milestones });

/** A milestone row as the domain's milestone, with what the domain's evolve reads and changes. */
const BLANK: MilestoneState = evolveProject(viewOf([]), {
  type: 'ProjectStarted',
  data: {
    itemId: '',
    kind: 'major_project',
    title: '',
    section: '',
    leadUnit: '',
    coUnits: [],
    targets: [],
    milestones: [{ milestoneId: '', year: null, text: '', opensAt: '', dueAt: '', targets: [] }],
  },
}).milestones[0]!;
const asDomain = (m: MilestoneRow): MilestoneState => ({
  ...BLANK,
  milestoneId: m.milestone_id,
  year: m.year,
  text: m.text,
  opensAt: m.opens_at,
  originalDueAt: m.original_due_at,
  dueAt: m.due_at,
  phase: m.status,
  outcome: m.outcome,
  rounds: m.rounds,
  returns: m.returns,
});
/** The milestone facts the domain owns (its phase above all), as the domain's evolve leaves them. */
const domainFacts = (m: MilestoneState) => ({
  status: m.phase,
  outcome: m.outcome,
  opens_at: iso(m.opensAt),
  original_due_at: iso(m.originalDueAt),
  due_at: iso(m.dueAt),
  rounds: m.rounds,
  returns: m.returns,
});

/**
 * Applies an event's facts. The milestone's phase, rounds, returns, deadlines and outcome are the
 * domain's: its `evolve` (the workflow's own) runs on the milestone, so the board and the workflow
 * cannot disagree on a phase. The rest (escalation level, closing time, counts) is the board's.
 * Then all the project's milestones are re-coloured at the event's plan time, and a colour keeps
 * the id of the event that set it: the status and 红黄绿灯 as recorded at the latest event.
 */
function apply(draft: Draft<ProjectStatusState>, event: DomainEvent, policy: RagPolicy): void {
  const projectId = event.projectId!;
  if (event.type !== 'ProjectStarted') applyDomainFacts(draft, event);
  const milestone = (milestoneId: string) => draft.edit('milestones', milestoneKey(projectId, milestoneId));
  const setProject = (patch: Partial<ProjectRow>) => {
    const project = draft.edit('projects', projectId);
    if (project) Object.assign(project, patch);
  };

  switch (event.type) {
    case 'ProjectStarted': {
      const { data } = event;
      const started = evolveProject(viewOf([]), event).milestones;
      draft.put('projects', projectId, {
        project_id: projectId,
        cycle_id: event.cycleId,
        item_id: data.itemId,
        kind: data.kind,
        title: data.title,
        section: data.section,
        lead_unit: data.leadUnit,
        co_units: data.coUnits,
        status: 'active',
        outcome: null,
        rag: null,
        rag_rule: null,
        rag_milestone_id: null,
        milestones_total: data.milestones.length,
        milestones_met: 0,
        milestones_missed: 0,
        started_at: iso(event.at),
        closed_at: null,
        last_event_at: iso(event.at),
      });
      started.forEach((m, ordinal) =>
        draft.put('milestones', milestoneKey(projectId, m.milestoneId), {
          project_id: projectId,
          milestone_id: m.milestoneId,
          cycle_id: event.cycleId,
          ordinal,
          year: m.year,
          text: m.text,
          ...domainFacts(m),
          escalation_level: 0,
          rag: null,
          rag_rule: null,
          rag_threshold: null,
          rag_deadline: null,
          rag_event_id: null,
          closed_at: null,
        }),
      );
      break;
    }
    case 'EscalationRaised': {
      // Only the overdue ladder turns a milestone red; a returns escalation is already amber.
      if (event.data.reason !== 'overdue') break;
      const m = milestone(event.data.milestoneId);
      if (m) m.escalation_level = Math.max(m.escalation_level, event.data.level);
      break;
    }
    case 'ExtensionGranted': {
      // A new operational deadline restarts the 督办 ladder; the original stays for scoring.
      const m = milestone(event.data.milestoneId);
      if (m) m.escalation_level = 0;
      break;
    }
    case 'MilestoneClosed': {
      const m = milestone(event.data.milestoneId);
      if (m) m.closed_at = iso(event.at);
      const p = draft.edit('projects', projectId);
      if (!p) break;
      p.milestones_met += event.data.outcome === 'met' ? 1 : 0;
      p.milestones_missed += event.data.outcome === 'missed' ? 1 : 0;
      break;
    }
    case 'ProjectSuspended':
      setProject({ status: 'suspended' });
      break;
    case 'ProjectResumed':
      setProject({ status: 'active' });
      break;
    case 'ProjectCancelled':
      setProject({ status: 'cancelled', outcome: 'cancelled' });
      break;
    case 'ProjectClosed':
      setProject({ status: 'closed', outcome: event.data.outcome, closed_at: iso(event.at) });
      break;
    case 'MilestoneOpened':
    case 'ReportSubmitted':
    case 'ReportReturned':
    case 'ReportApproved':
    case 'AssignmentCreated':
    case 'AssignmentAcknowledged':
    case 'AssignmentReassigned':
    case 'ContributionSubmitted':
    case 'ReminderSent':
    case 'ExtensionRequested':
    case 'ExtensionDenied':
    case 'ClosureRequested':
    case 'ClosureConfirmed':
    case 'ClosureRefused':
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
    case 'InstructionRecorded':
    case 'RectificationIssued':
    case 'SubAssignmentDispatched':
    case 'ProgressReported':
    case 'ProgressPeriodsReplanned':
    case 'ProgressPeriodMissed':
      break;
    default:
      exhaustive(event);
  }
  recolour(draft, event, policy);
}

/** Runs the domain's evolve on the milestone an event names and takes back the facts it owns. */
function applyDomainFacts(draft: Draft<ProjectStatusState>, event: DomainEvent): void {
  if (!('milestoneId' in event.data)) return;
  const key = milestoneKey(event.projectId!, event.data.milestoneId);
  const row = draft.rows('milestones')[key];
  if (!row) return;
  const [after] = evolveProject(viewOf([asDomain(row)]), event, event.eventId).milestones;
  const facts = domainFacts(after!);
  // Only the facts can differ from the row (most events change none): compare those alone.
  for (const k in facts)
    if (row[k as keyof typeof facts] !== facts[k as keyof typeof facts]) {
      const m = draft.edit('milestones', key)!;
      Object.assign(m, facts);
      // Changed in place: a colour remembered for this row no longer holds.
      forgetRag(m);
      return;
    }
}

function recolour(draft: Draft<ProjectStatusState>, event: DomainEvent, policy: RagPolicy): void {
  const projectId = event.projectId!;
  const project = draft.rows('projects')[projectId];
  if (!project) return;
  const milestones = draft.rows('milestones');
  let worst: MilestoneRow | null = null;
  for (const key in milestones) {
    let m = milestones[key]!;
    if (m.project_id !== projectId) continue;
    const v = milestoneRag(m, event.at, policy);
    if (v.rag !== m.rag || v.rule !== m.rag_rule) {
      m = draft.edit('milestones', key)!;
      m.rag = v.rag;
      m.rag_rule = v.rule;
      m.rag_threshold = v.threshold;
      m.rag_deadline = v.deadline;
      m.rag_event_id = event.eventId;
    }
    // Ties go to the milestone first in the plan, whatever order the rows were loaded in.
    if (worseRag(m, worst) || (worst !== null && m.rag === worst.rag && m.ordinal < worst.ordinal)) worst = m;
  }
  const rag = worst?.rag ?? null;
  const rule = worst?.rag_rule ?? null;
  const milestoneId = worst?.milestone_id ?? null;
  const at = iso(event.at);
  if (
    project.rag === rag &&
    project.rag_rule === rule &&
    project.rag_milestone_id === milestoneId &&
    project.last_event_at === at
  )
    return;
  const p = draft.edit('projects', projectId)!;
  p.rag = rag;
  p.rag_rule = rule;
  p.rag_milestone_id = milestoneId;
  p.last_event_at = at;
}

/** The RAG policy of a cycle, from the cycles read model's row of it (applied before this one). */
function policyOf(cycleState: TablesState): RagPolicy {
  const [cycle] = Object.values(cycleState.cycles ?? {}) as CycleRow[];
  return cycle ? { amberWithin: cycle.amber_within, maxReturns: cycle.max_returns } : DEFAULT_RAG_POLICY;
}

export const projectStatusModel: ReadModel<ProjectStatusState, RagPolicy> = {
  name: 'project_status',
  // 2: colours follow the one rule of domain/rag.ts. 3: rows keyed by cycle too. 4: a milestone's
  // status is the domain's phase (scheduled, assigned, …), and its plan order breaks colour ties.
  version: 4,
  scope: 'projectId',
  tables: { projects: ['cycle_id', 'project_id'], milestones: ['cycle_id', 'project_id', 'milestone_id'] },
  ...draftRules(apply),
  contextOf: policyOf,
};
