import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ProjectView } from '../workflows/messages';
import type { ProjectCommand } from '../domain/commands';
import type { majorProjectWorkflow } from '../workflows/project';
import { run } from './run';
import { withDatabase, withTemporal } from './context';

const escape = (v: string) => v.replace(/'/g, "\\'");

/** The workflow of a project (by item id, or by a milestone/assignment id that starts with it). */
export async function resolveProject(
  client: Client,
  ref: string,
  cycleId?: string,
): Promise<WorkflowHandle<typeof majorProjectWorkflow>> {
  const itemId = ref.split('/')[0]!;
  const clauses = [`WorkflowType = 'majorProjectWorkflow'`, `DudaoProjectId = '${escape(itemId)}'`];
  if (cycleId) clauses.push(`DudaoCycleId = '${escape(cycleId)}'`);
  const found: { id: string; running: boolean }[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') }))
    found.push({ id: wf.workflowId, running: wf.status.name === 'RUNNING' });
  const running = [...new Set(found.filter((f) => f.running).map((f) => f.id))];
  const any = [...new Set(found.map((f) => f.id))];
  const pick =
    running.length === 1 ? running[0] : running.length === 0 && any.length === 1 ? any[0] : undefined;
  if (!pick) {
    if (any.length === 0)
      throw new Error(
        `找不到事项 ${itemId} 的督办流程。请用 dudao task list 或 dudao review list 查看编号。`,
      );
    throw new Error(`事项 ${itemId} 在多个督导周期中进行，请用 --cycle 指明周期。`);
  }
  return client.workflow.getHandle<typeof majorProjectWorkflow>(pick);
}

/** The project a command goes to, for checks made before it is sent. */
export interface ProjectRef {
  cycleId: string;
  itemId: string;
  kind: ProjectView['state']['kind'];
}

export async function sendCommand(
  client: Client,
  ref: string,
  command: ProjectCommand,
  cycleId?: string,
  beforeSend?: (project: ProjectRef) => Promise<void>,
): Promise<ProjectView> {
  // Loaded here, not at the top: registering the command verbs must not load the Temporal client.
  const [{ sendProjectCommand }, { projectStateQuery }, rules] = await Promise.all([
    import('../app/commands.js'),
    import('../workflows/messages.js'),
    import('../app/dispatch-rules.js'),
  ]);
  const handle = await resolveProject(client, ref, cycleId);
  const { state } = await handle.query(projectStateQuery);
  if (beforeSend) await beforeSend({ cycleId: state.cycleId, itemId: state.itemId, kind: state.kind });
  if (rules.judgedAcrossShares(state.cycleId, command))
    await withDatabase(
      ({ db }) => rules.refuseAcrossShares({ db, client }, state.cycleId, command),
      'reader',
    );
  return sendProjectCommand(handle, command);
}

/**
 * The action of a command-line verb that sends one project command: build it from the argument
 * and options, check it against the project (`beforeSend`, optional), send it as the Update of its
 * type, then confirm in Chinese.
 */
export const commandAction =
  <O extends { cycle?: string }>(
    build: (id: string, opts: O) => ProjectCommand,
    confirm: (id: string, opts: O, view: ProjectView) => string,
    beforeSend?: (opts: O, command: ProjectCommand, project: ProjectRef) => Promise<void>,
  ) =>
  (id: string, opts: O): Promise<void> =>
    run(() =>
      withTemporal(async (client) => {
        const command = build(id, opts);
        const view = await sendCommand(
          client,
          id,
          command,
          opts.cycle,
          beforeSend && ((project) => beforeSend(opts, command, project)),
        );
        console.log(confirm(id, opts, view));
      }),
    );

/** A date typed as YYYY-MM-DD means the end of that day in Beijing. */
export const endOfShanghaiDay = (date: string): string => {
  const at = Date.parse(`${date}T23:59:59+08:00`);
  if (Number.isNaN(at)) throw new Error(`日期“${date}”格式不正确，应为 YYYY-MM-DD`);
  return new Date(at).toISOString();
};
