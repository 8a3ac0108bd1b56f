import type { DomainEvent } from '../../domain/events';
import type { MilestonesTable, ProjectsTable } from '../tables/read-models';
import { SCOPE_SEP, iso, type Db, type ReadModel } from './read-model';
import { exhaustive, type Plain } from './plain';
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

function applyFacts(state: ProjectStatusState, event: DomainEvent): ProjectStatusState {
  const projectId = event.projectId!;
  const project = state.projects?.[projectId];
  const setProject = (patch: Partial<ProjectRow>): ProjectStatusState =>
    project ? { ...state, projects: { ...state.projects, [projectId]: { ...project, ...patch } } } : state;
  const setMilestone = (
    milestoneId: string,
    patch: (m: MilestoneRow) => Partial<MilestoneRow>,
  ): ProjectStatusState => {
    const key = milestoneKey(projectId, milestoneId);
    const m = state.milestones?.[key];
    return m ? { ...state, milestones: { ...state.milestones, [key]: { ...m, ...patch(m) } } } : state;
  };

  switch (event.type) {
    case 'ProjectStarted': {
      const { data } = event;
      const milestones = Object.fromEntries(
        data.milestones.map((m): [string, MilestoneRow] => [
          milestoneKey(projectId, m.milestoneId),
          {
            project_id: projectId,
            milestone_id: m.milestoneId,
            cycle_id: event.cycleId,
            year: m.year,
            text: m.text,
            status: 'planned',
            outcome: null,
            opens_at: iso(m.opensAt),
            original_due_at: iso(m.dueAt),
            due_at: iso(m.dueAt),
            rounds: 0,
            returns: 0,
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
    case 'MilestoneOpened':
      return setMilestone(event.data.milestoneId, (m) => ({
        status: m.status === 'planned' ? 'open' : m.status,
      }));
    case 'ReportSubmitted':
      return setMilestone(event.data.milestoneId, () => ({ status: 'submitted', rounds: event.data.round }));
    case 'ReportReturned':
      return setMilestone(event.data.milestoneId, (m) => ({ status: 'returned', returns: m.returns + 1 }));
    case 'ReportApproved':
      return setMilestone(event.data.milestoneId, () => ({ status: 'approved' }));
    case 'EscalationRaised':
      // Only the overdue ladder turns a milestone red; a returns escalation is already amber.
      if (event.data.reason !== 'overdue') return state;
      return setMilestone(event.data.milestoneId, (m) => ({
        escalation_level: Math.max(m.escalation_level, event.data.level),
      }));
    case 'ExtensionGranted':
      // A new operational deadline restarts the 督办 ladder; the original stays for scoring.
      return setMilestone(event.data.milestoneId, () => ({
        due_at: iso(event.data.newDueAt),
        escalation_level: 0,
      }));
    case 'MilestoneClosed': {
      const closed = setMilestone(event.data.milestoneId, () => ({
        status: 'closed',
        outcome: event.data.outcome,
        closed_at: iso(event.at),
      }));
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
    case 'AssignmentCreated':
    case 'AssignmentAcknowledged':
    case 'AssignmentReassigned':
    case 'ContributionSubmitted':
    case 'ReminderSent':
    case 'ExtensionRequested':
    case 'ExtensionDenied':
      return state;
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
      return state;
    default:
      return exhaustive(event);
  }
}

function recolour(state: ProjectStatusState, event: DomainEvent, policy: RagPolicy): ProjectStatusState {
  const projectId = event.projectId!;
  const project = state.projects?.[projectId];
  if (!project) return state;
  const milestones = { ...state.milestones };
  const own: MilestoneRow[] = [];
  for (const [key, m] of Object.entries(milestones)) {
    if (m.project_id !== projectId) continue;
    const v = milestoneRag(m, event.at, policy);
    const same = v.rag === m.rag && v.rule === m.rag_rule;
    const next: MilestoneRow = same
      ? m
      : {
          ...m,
          rag: v.rag,
          rag_rule: v.rule,
          rag_threshold: v.threshold,
          rag_deadline: v.deadline,
          rag_event_id: event.eventId,
        };
    milestones[key] = next;
    own.push(next);
  }
  const worst = worstRag(own);
  return {
    milestones,
    projects: {
      ...state.projects,
      [projectId]: {
        ...project,
        rag: worst?.rag ?? null,
        rag_rule: worst?.rag_rule ?? null,
        rag_milestone_id: worst?.milestone_id ?? null,
        last_event_at: iso(event.at),
      },
    },
  };
}

/** The RAG policy of each event's cycle, from the cycles read model (applied before this one). */
async function loadPolicies(
  db: Db,
  schema: string,
  events: DomainEvent[],
): Promise<(scopeId: string) => RagPolicy> {
  const rows = await db
    .withSchema(schema)
    .selectFrom('cycles')
    .select(['cycle_id', 'amber_within', 'max_returns'])
    .where('cycle_id', 'in', [...new Set(events.map((e) => e.cycleId))])
    .execute();
  const policies = new Map(
    rows.map((r) => [r.cycle_id, { amberWithin: r.amber_within, maxReturns: r.max_returns }]),
  );
  return (scopeId) => policies.get(scopeId.split(SCOPE_SEP)[0]!) ?? DEFAULT_RAG_POLICY;
}

export const projectStatusModel: ReadModel<ProjectStatusState, RagPolicy> = {
  name: 'project_status',
  // 2: colours follow the one rule of domain/rag.ts. 3: rows keyed by cycle too.
  version: 3,
  scope: 'projectId',
  tables: { projects: ['cycle_id', 'project_id'], milestones: ['cycle_id', 'project_id', 'milestone_id'] },
  evolve: evolveProjectStatus,
  loadContext: loadPolicies,
};
