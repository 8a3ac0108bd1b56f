import type { Client } from '@temporalio/client';
import type { ProjectCommand } from '../../domain/commands';
import type { Principal } from '../../domain/principal';
import { milestoneRag, type Rag } from '../../domain/rag';
import type { Target } from '../../domain/plan';
import { listProjectViews, queryProject } from '../../cli/projects';
import { cycleWorkflowId } from '../../cli/commands/cycle';
import { projectWorkflowId } from '../../workflows/cycle';
import { projectUpdates, type ProjectView } from '../../workflows/messages';
import { describeProject } from '../../workflows/view';
import type { majorProjectWorkflow } from '../../workflows/project';
import { forbidden } from '../errors';

/**
 * A project's workflow from its cycle and a milestone/assignment id (which starts with the item id).
 * The id is derived rather than looked up: visibility lags behind a cycle that has just started.
 */
export const projectHandle = (client: Client, cycleId: string, ref: string) =>
  client.workflow.getHandle<typeof majorProjectWorkflow>(
    projectWorkflowId(cycleWorkflowId(cycleId), ref.split('/')[0]!),
  );

/** Sends one command as a Temporal Update; its validator authorizes `command.actor` again. */
export async function runCommand(client: Client, cycleId: string, ref: string, command: ProjectCommand) {
  const view = await projectHandle(client, cycleId, ref).executeUpdate(projectUpdates[command.type], {
    args: [command],
  });
  return describeProject(view.state, view.clock, Date.now());
}

/** One project's view; a unit role sees only projects its unit works on. */
export async function projectView(client: Client, p: Principal, cycleId: string, itemId: string) {
  const view = await queryProject(projectHandle(client, cycleId, itemId));
  const s = view.state;
  // A unit that took an assignment over by 转办 works on the project too.
  const units = new Set([
    s.leadUnit,
    ...s.coUnits,
    ...s.milestones.flatMap((m) => m.assignments.map((a) => a.unit)),
  ]);
  if ((p.role === 'unit_staff' || p.role === 'unit_head') && !units.has(p.unit!))
    throw forbidden(`${p.unit}不是该项目的责任单位`);
  return view;
}

export interface InboxItem {
  cycleId: string;
  itemId: string;
  title: string;
  milestoneId: string;
  milestoneText: string;
  assignmentId: string;
  role: 'lead' | 'co';
  dueAt: string;
  originalDueAt: string;
  phase: string;
  acknowledged: boolean;
  submitted: boolean;
  rag: Rag;
  ragReason: string;
  returnComment: string | null;
  pendingExtension: boolean;
  targets: Target[];
}

/** Running project views of the given cycles, for one unit or all. */
async function projectViews(client: Client, cycleIds: string[], unit?: string) {
  return (await Promise.all(cycleIds.map((cycleId) => listProjectViews(client, { unit, cycleId })))).flat();
}

/** A unit's open steps across the given cycles' running projects, soonest due first. */
export async function inbox(client: Client, unit: string, cycleIds: string[]): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  for (const { view } of await projectViews(client, cycleIds, unit)) {
    const s = view.state;
    if (s.status !== 'active' && s.status !== 'suspended') continue;
    for (const m of s.milestones) {
      if (m.phase === 'closed' || m.phase === 'approved' || m.phase === 'scheduled') continue;
      for (const a of m.assignments.filter((x) => x.unit === unit)) {
        const rag = milestoneRag(m, s.policy.maxReturns, s.policy.amberWithin, view.now);
        items.push({
          cycleId: s.cycleId,
          itemId: s.itemId,
          title: s.title,
          milestoneId: m.milestoneId,
          milestoneText: m.text,
          assignmentId: a.assignmentId,
          role: a.role,
          dueAt: a.dueAt,
          originalDueAt: m.originalDueAt,
          phase: a.role === 'co' && a.submitted ? 'contributed' : m.phase,
          acknowledged: a.acknowledged,
          submitted: a.submitted,
          rag: rag.rag,
          ragReason: rag.reason,
          returnComment: m.phase === 'returned' ? m.lastReturnComment : null,
          pendingExtension: m.extensions.some((x) => x.status === 'pending'),
          targets: m.targets,
        });
      }
    }
  }
  return items.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

export interface BoardRow {
  cycleId: string;
  itemId: string;
  title: string;
  leadUnit: string;
  coUnits: string[];
  status: string;
  rag: Rag;
  ragReason: string;
  milestones: {
    milestoneId: string;
    text: string;
    phase: string;
    dueAt: string;
    rag: Rag;
    reason: string;
    rounds: number;
    returns: number;
    escalationLevel: number;
    submission: ProjectView['state']['milestones'][number]['submission'];
    extensions: ProjectView['state']['milestones'][number]['extensions'];
    targets: Target[];
    assignments: { assignmentId: string; unit: string; role: 'lead' | 'co'; escalationLevel: number }[];
  }[];
}

/** Every running project of the given cycles with its colours: the 督导处 board. */
export async function board(client: Client, cycleIds: string[]): Promise<BoardRow[]> {
  return (await projectViews(client, cycleIds))
    .map(({ view }) => boardRow(view))
    .sort((a, b) => a.cycleId.localeCompare(b.cycleId) || a.itemId.localeCompare(b.itemId));
}

export function boardRow(view: ProjectView): BoardRow {
  const s = view.state;
  return {
    cycleId: s.cycleId,
    itemId: s.itemId,
    title: s.title,
    leadUnit: s.leadUnit,
    coUnits: s.coUnits,
    status: s.status,
    rag: view.rag.rag,
    ragReason: view.rag.reason,
    milestones: s.milestones.map((m) => ({
      milestoneId: m.milestoneId,
      text: m.text,
      phase: m.phase,
      dueAt: m.dueAt,
      rag: view.milestones[m.milestoneId]!.rag,
      reason: view.milestones[m.milestoneId]!.reason,
      rounds: m.rounds,
      returns: m.returns,
      escalationLevel: Math.max(0, ...m.assignments.map((a) => a.escalationLevel)),
      submission: m.submission,
      extensions: m.extensions,
      targets: m.targets,
      assignments: m.assignments.map((a) => ({
        assignmentId: a.assignmentId,
        unit: a.unit,
        role: a.role,
        escalationLevel: a.escalationLevel,
      })),
    })),
  };
}
