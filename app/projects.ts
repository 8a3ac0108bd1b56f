import type { Client, WorkflowHandle } from '@temporalio/client';
import { sendProjectCommand } from './commands';
import type { ProjectCommand } from '../domain/commands';
import type { Principal } from '../domain/principal';
import { describeProject } from '../workflows/view';
import { cycleWorkflowId, projectWorkflowId } from '../workflows/ids';
import { INSTRUCTIONS_CYCLE, instructionWorkflowId } from '../domain/instruction';
import { RECTIFICATIONS_CYCLE, rectificationWorkflowId } from '../domain/rectification';
import { DISPATCH_CYCLE, dispatchWorkflowId } from '../domain/dispatch';
import { projectStateQuery, type ProjectView } from '../workflows/messages';
import type { majorProjectWorkflow } from '../workflows/project';
import { forbidden } from './errors';

/**
 * A project's workflow from its cycle and a milestone/assignment id (which starts with the item id);
 * a 领导批示's item (cycle `instructions`) is named after the instruction, a 整改's (cycle
 * `rectifications`) after the 整改, a sub-assignment's (cycle `dispatch`) after the sub-assignment.
 * The id is derived rather than looked up: visibility lags behind a cycle that has just started.
 */
export const projectHandle = (client: Client, cycleId: string, ref: string) =>
  client.workflow.getHandle<typeof majorProjectWorkflow>(workflowIdOf(cycleId, ref.split('/')[0]!));

const workflowIdOf = (cycleId: string, itemId: string): string =>
  cycleId === INSTRUCTIONS_CYCLE
    ? instructionWorkflowId(itemId)
    : cycleId === RECTIFICATIONS_CYCLE
      ? rectificationWorkflowId(itemId)
      : cycleId === DISPATCH_CYCLE
        ? dispatchWorkflowId(itemId)
        : projectWorkflowId(cycleWorkflowId(cycleId), itemId);

/** Sends one command as a Temporal Update; its validator authorizes `command.actor` again. */
export async function runCommand(client: Client, cycleId: string, ref: string, command: ProjectCommand) {
  return sendProjectCommand(projectHandle(client, cycleId, ref), command);
}

/** One project's view; a unit role sees only projects its unit works on. */
export async function projectView(client: Client, p: Principal, cycleId: string, itemId: string) {
  const view = await queryProject(projectHandle(client, cycleId, itemId));
  const s = view.state;
  // A unit that took an assignment over by 转办 works on the project too; a sub-assignment's
  // dispatching unit reviews it.
  const units = new Set([
    s.leadUnit,
    ...s.coUnits,
    ...s.milestones.flatMap((m) => m.assignments.map((a) => a.unit)),
    ...(s.reviewUnit ? [s.reviewUnit] : []),
  ]);
  if ((p.role === 'unit_staff' || p.role === 'unit_head') && !units.has(p.unit!))
    throw forbidden(`${p.unit}不是该项目的责任单位`);
  return view;
}

/** Running project workflows, optionally for one unit or cycle, with their current state. */
export async function listProjectViews(
  client: Client,
  filter: { unit?: string; cycleId?: string } = {},
): Promise<{ workflowId: string; view: ProjectView }[]> {
  const clauses = [`WorkflowType = 'majorProjectWorkflow'`, `ExecutionStatus = 'Running'`];
  if (filter.unit) clauses.push(`DudaoUnits = '${escape(filter.unit)}'`);
  if (filter.cycleId) clauses.push(`DudaoCycleId = '${escape(filter.cycleId)}'`);
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) ids.push(wf.workflowId);
  const views = await Promise.all(
    ids.map(async (workflowId) => ({
      workflowId,
      view: await queryProject(client.workflow.getHandle(workflowId)).catch(() => null),
    })),
  );
  return views.filter((v): v is { workflowId: string; view: ProjectView } => v.view !== null);
}

/** The project's view at the caller's real time (see describeProject). */
export async function queryProject(handle: WorkflowHandle): Promise<ProjectView> {
  const view = await handle.query(projectStateQuery);
  return describeProject(view.state, view.clock, Date.now());
}
