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
import { DEFAULT_RAG_POLICY, milestoneRag, worstRag, type RagPolicy } from './rag';

export type ProjectRow = Plain<ProjectsTable>;
export type MilestoneRow = Plain<MilestonesTable>;
export type ProjectStatusState = {
  projects?: Record<string, ProjectRow>;
  milestones?: Record<string, MilestoneRow>;
};

const milestoneKey = (projectId: string, milestoneId: string): string => `${projectId}\u0001${milestoneId}`;

/**
 * Project and milestone status with 红黄绿灯 as recorded at the latest event: after every event
 * of a project all its milestones are re-coloured at that event's plan time, and a colour keeps
 * the id of the event that set it.
 */
export function evolveProjectStatus(
  state: ProjectStatusState,
  event: DomainEvent,
  policy: RagPolicy,
): ProjectStatusState {
  return recolour(applyFacts(state, event), event, policy);
}

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
 */
function applyFacts(state: ProjectStatusState, event: DomainEvent): ProjectStatusState {
  const projectId = event.projectId!;
  const facts = event.type === 'ProjectStarted' ? state : applyDomainFacts(state, event);
  const project = facts.projects?.[projectId];
  const setProject = (patch: Partial<ProjectRow>): ProjectStatusState =>
    project ? { ...facts, projects: { ...facts.projects, [projectId]: { ...project, ...patch } } } : facts;
  const setMilestone = (
    milestoneId: string,
    patch: (m: MilestoneRow) => Partial<MilestoneRow>,
  ): ProjectStatusState => {
    const key = milestoneKey(projectId, milestoneId);
    const m = facts.milestones?.[key];
    return m ? { ...facts, milestones: { ...facts.milestones, [key]: { ...m, ...patch(m) } } } : facts;
  };

  switch (event.type) {
    case 'ProjectStarted': {
      const { data } = event;
      const started = evolveProject(viewOf([]), event).milestones;
      const milestones = Object.fromEntries(
        started.map((m, ordinal): [string, MilestoneRow] => [
          milestoneKey(projectId, m.milestoneId),
          {
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
          },
        ]),
      );
      const row: ProjectRow = {
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
      };
      return {
        projects: { ...state.projects, [projectId]: row },
        milestones: { ...state.milestones, ...milestones },
      };
    }
    case 'EscalationRaised':
      // Only the overdue ladder turns a milestone red; a returns escalation is already amber.
      if (event.data.reason !== 'overdue') return facts;
      return setMilestone(event.data.milestoneId, (m) => ({
        escalation_level: Math.max(m.escalation_level, event.data.level),
      }));
    case 'ExtensionGranted':
      // A new operational deadline restarts the 督办 ladder; the original stays for scoring.
      return setMilestone(event.data.milestoneId, () => ({ escalation_level: 0 }));
    case 'MilestoneClosed': {
      const closed = setMilestone(event.data.milestoneId, () => ({ closed_at: iso(event.at) }));
      const p = closed.projects?.[projectId];
      if (!p) return closed;
      const counted: ProjectRow = {
        ...p,
        milestones_met: p.milestones_met + (event.data.outcome === 'met' ? 1 : 0),
        milestones_missed: p.milestones_missed + (event.data.outcome === 'missed' ? 1 : 0),
      };
      return { ...closed, projects: { ...closed.projects, [projectId]: counted } };
    }
    case 'ProjectSuspended':
      return setProject({ status: 'suspended' });
    case 'ProjectResumed':
      return setProject({ status: 'active' });
    case 'ProjectCancelled':
      return setProject({ status: 'cancelled', outcome: 'cancelled' });
    case 'ProjectClosed':
      return setProject({ status: 'closed', outcome: event.data.outcome, closed_at: iso(event.at) });
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
      return facts;
    default:
      return exhaustive(event);
  }
}

/** Runs the domain's evolve on the milestone an event names and takes back the facts it owns. */
function applyDomainFacts(state: ProjectStatusState, event: DomainEvent): ProjectStatusState {
  if (!('milestoneId' in event.data)) return state;
  const key = milestoneKey(event.projectId!, event.data.milestoneId);
  const row = state.milestones?.[key];
  if (!row) return state;
  const [after] = evolveProject(viewOf([asDomain(row)]), event, event.eventId).milestones;
  const facts = domainFacts(after!);
  // Only the facts can differ from the row (most events change none): compare those alone.
  for (const k in facts)
    if (row[k as keyof typeof facts] !== facts[k as keyof typeof facts])
      return { ...state, milestones: { ...state.milestones, [key]: { ...row, ...facts } } };
  return state;
}

function recolour(state: ProjectStatusState, event: DomainEvent, policy: RagPolicy): ProjectStatusState {
  const projectId = event.projectId!;
  const project = state.projects?.[projectId];
  if (!project) return state;
  let milestones = state.milestones;
  const own: MilestoneRow[] = [];
  for (const key in state.milestones) {
    const m = state.milestones[key]!;
    if (m.project_id !== projectId) continue;
    const v = milestoneRag(m, event.at, policy);
    if (v.rag === m.rag && v.rule === m.rag_rule) {
      own.push(m);
      continue;
    }
    const next: MilestoneRow = {
      ...m,
      rag: v.rag,
      rag_rule: v.rule,
      rag_threshold: v.threshold,
      rag_deadline: v.deadline,
      rag_event_id: event.eventId,
    };
    if (milestones === state.milestones) milestones = { ...state.milestones };
    milestones![key] = next;
    own.push(next);
  }
  // Ties go to the milestone first in the plan, whatever order the rows were loaded in.
  const worst = worstRag(own.sort((a, b) => a.ordinal - b.ordinal));
  const patch = {
    rag: worst?.rag ?? null,
    rag_rule: worst?.rag_rule ?? null,
    rag_milestone_id: worst?.milestone_id ?? null,
    last_event_at: iso(event.at),
  };
  const same = (Object.keys(patch) as (keyof typeof patch)[]).every((k) => project[k] === patch[k]);
  return {
    milestones,
    projects: same ? state.projects : { ...state.projects, [projectId]: { ...project, ...patch } },
  };
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
  evolve: evolveProjectStatus,
  contextOf: policyOf,
};
