import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  patched,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { EventBody } from '../../domain/events';
import { parsePolicy } from '../schemas';
import type { Principal } from '../../domain/principal';
import { SYSTEM } from '../../domain/system-principal';
import { planMilestones, summarize, type CycleItem, type CycleSummary } from '../../domain/cycle';
import { drillClock, planNow, realClock } from '../../domain/clock';
import type { ProjectState } from '../../domain/project';
import { Emitter } from './emitter-v1';
import { majorProjectWorkflow } from '../project';
import type { CycleWorkflowInput } from '../cycle';
import { projectWorkflowId } from '../ids';
import {
  cancelCycle,
  cycleCancelled,
  cycleStateQuery,
  cycleWindowChanged,
  extendCycle,
  type CycleView,
} from '../messages';
import { SA } from '../search-attributes';
import { refuseUnproven } from '../proof';

const START_BATCH = 100;

/**
 * FROZEN: the cycle workflow as it ran before the inbox loop (`../cycle.ts`). Runs started by it
 * replay through this code; nothing here may change.
 */
export async function legacyCycleWorkflow(input: CycleWorkflowInput): Promise<CycleSummary> {
  const streamId = workflowInfo().workflowId;
  const policy = parsePolicy(input.policy);
  const clock = input.drill
    ? drillClock(new Date().toISOString(), input.window.opensAt, input.drill.yearSeconds)
    : realClock(new Date().toISOString());
  const now = () => planNow(clock, Date.now());
  const emitter = new Emitter({ streamId, cycleId: input.cycleId, projectId: null });
  let seq = 0;
  let window = input.window;
  let status: CycleView['status'] = 'running';
  let summary: CycleSummary | null = null;
  const done = new Set<string>();
  const children: { projectId: string; handle: ChildWorkflowHandle<typeof majorProjectWorkflow> }[] = [];

  const commit = (bodies: EventBody[], actor: Principal, causationId: string | null) => {
    const at = now();
    return emitter.record(bodies.map((b) => emitter.envelope(b, ++seq, at, actor, causationId)));
  };
  const wasCancelled = () => status === 'cancelled';
  const view = (): CycleView => ({
    cycleId: input.cycleId,
    name: input.name,
    status,
    window,
    clock,
    now: now(),
    projects: children.map((c) => ({
      projectId: c.projectId,
      workflowId: c.handle.workflowId,
      done: done.has(c.projectId),
    })),
    summary,
  });
  const requireInspector = (actor: Principal) => {
    if (actor.role !== 'inspector')
      throw ApplicationFailure.nonRetryable('只有督导处可以调整督导周期', 'forbidden');
    if (status !== 'running') throw ApplicationFailure.nonRetryable('督导周期已结束', 'closed');
  };

  setHandler(cycleStateQuery, view);
  setHandler(
    extendCycle,
    async ({ actor, window: next, reason }) => {
      window = next;
      await commit([{ type: 'CycleExtended', data: { window: next, reason } }], actor, 'update:extend');
      await Promise.all(
        children
          .filter((c) => !done.has(c.projectId))
          .map((c) => c.handle.signal(cycleWindowChanged, { window: next, reason })),
      );
      return view();
    },
    {
      validator: (request) => {
        const { actor, window: next } = request;
        refuseUnproven(request, 'extend');
        requireInspector(actor);
        if (
          Date.parse(next.submissionDueAt) < Date.parse(window.submissionDueAt) ||
          Date.parse(next.reviewDueAt) < Date.parse(window.reviewDueAt)
        ) {
          throw ApplicationFailure.nonRetryable('延长后的期限不能早于原期限', 'invalid_command');
        }
        if (Date.parse(next.reviewDueAt) < Date.parse(next.submissionDueAt)) {
          throw ApplicationFailure.nonRetryable('审核截止时间不能早于报送截止时间', 'invalid_command');
        }
      },
    },
  );
  setHandler(
    cancelCycle,
    async ({ actor, reason }) => {
      status = 'cancelled';
      await commit([{ type: 'CycleCancelled', data: { reason } }], actor, 'update:cancel');
      await Promise.all(
        children
          .filter((c) => !done.has(c.projectId))
          .map((c) => c.handle.signal(cycleCancelled, { reason, actor })),
      );
      return view();
    },
    {
      validator: (request) => {
        const { actor, reason } = request;
        refuseUnproven(request, 'cancel');
        requireInspector(actor);
        if (!reason?.trim()) throw ApplicationFailure.nonRetryable('请填写撤销原因', 'invalid_command');
      },
    },
  );

  await commit(
    [
      {
        type: 'CycleStarted',
        data: {
          name: input.name,
          planId: input.planId,
          planVersion: input.planVersion,
          scope: input.scope,
          window: input.window,
          policy,
          drill: input.drill,
          itemIds: input.items.map((i) => i.itemId),
        },
      },
    ],
    input.startedBy,
    null,
  );

  const startProject = (item: CycleItem) => {
    const [leadUnit, ...coUnits] = item.units;
    return startChild(majorProjectWorkflow, {
      workflowId: projectWorkflowId(streamId, item.itemId),
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [
        { key: SA.cycleId, value: input.cycleId },
        { key: SA.projectId, value: item.itemId },
        { key: SA.kind, value: item.kind },
        { key: SA.units, value: item.units },
        { key: SA.status, value: 'active' },
      ],
      args: [
        {
          cycleId: input.cycleId,
          projectId: item.itemId,
          policy,
          clock,
          closesAt: window.reviewDueAt,
          started: {
            itemId: item.itemId,
            kind: item.kind,
            title: item.title,
            section: item.section,
            leadUnit: leadUnit!,
            coUnits,
            targets: item.targets,
            milestones: planMilestones(item, input.window, policy),
          },
        },
      ],
    });
  };
  // Children started a hundred at a time go out in one workflow task each (one at a time, a
  // 1,000-project cycle spent minutes of drill time on starts alone; all at once, one task's
  // commands could pass the server's message size limit). Runs recorded before keep one by one.
  if (patched('start-children-in-batches')) {
    for (let i = 0; i < input.items.length; i += START_BATCH) {
      const batch = input.items.slice(i, i + START_BATCH);
      const handles = await Promise.all(batch.map(startProject));
      handles.forEach((handle, j) => children.push({ projectId: batch[j]!.itemId, handle }));
    }
  } else {
    for (const item of input.items)
      children.push({ projectId: item.itemId, handle: await startProject(item) });
  }

  const finals: ProjectState[] = await Promise.all(
    children.map(async (c) => {
      const final = await c.handle.result();
      done.add(c.projectId);
      return final;
    }),
  );
  summary = summarize(finals, policy.scoringBaseline);
  const outcome = wasCancelled() ? 'cancelled' : 'completed';
  status = outcome;
  await condition(allHandlersFinished);
  await commit([{ type: 'CycleClosed', data: { projects: finals.length, outcome } }], SYSTEM, null);
  return summary;
}
