import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { CycleScope, CycleWindow, Drill, EventBody, ProgressPeriodPlan } from '../domain/events';
import { planPeriods } from '../domain/cadence';
import type { CyclePolicy } from '../domain/policy';
import { parsePolicy } from './schemas';
import type { Principal } from '../domain/principal';
import { SYSTEM } from '../domain/system-principal';
import { planMilestones, summarize, type CycleItem, type CycleSummary } from '../domain/cycle';
import { commandTimeProblem, drillClock, planNow, realClock, type ClockAnchor } from '../domain/clock';
import { DomainError } from '../domain/domain-error';
import { decideCycle, evolveCycle, type CycleCommand } from '../domain/cycle-decider';
import type { ProjectState } from '../domain/project';
import { envelopeOf, record, type StreamContext } from './recorder';
import { TaskGuard } from './task-guard';
import { projectWorkflowId } from './ids';
import { INBOX_LOOP_PATCH, majorProjectWorkflow, PATCHES_AT_START } from './project';
import { legacyCycleWorkflow } from './legacy/cycle-v1';
import {
  cancelCycle,
  cycleCancelled,
  cycleStateQuery,
  cycleWindowChanged,
  extendCycle,
  type CycleCancellation,
  type CycleExtension,
  type CycleView,
} from './messages';
import { SA } from './search-attributes';
import { UNVERIFIED, refuseUnproven } from './proof';
import type { Activities } from '../activities';

/** Cycles whose policy has a 定期反馈 cadence plan periods for their items; no other cycle is touched. */
export const CADENCE_PATCH = 'progress-cadence';

/** Cycles whose policy asks for the light 任务 flow run their tasks without the 督办 ladder. */
export const TASK_FLOW_PATCH = 'light-task-flow';

export type CycleWorkflowInput = {
  cycleId: string;
  name: string;
  planId: string;
  planVersion: number;
  scope: CycleScope;
  window: CycleWindow;
  policy: CyclePolicy;
  drill: Drill | null;
  items: CycleItem[];
  startedBy: Principal;
};

/**
 * Children started a hundred at a time go out in one workflow task each: one at a time, a
 * 1,000-project cycle spent minutes of drill time on starts alone; all at once, one task's commands
 * could pass the server's message size limit.
 */
const START_BATCH = 100;

/**
 * 督导周期: starts one project workflow per item in scope, relays extension and cancellation to
 * them, and closes with the cycle summary once every project has closed.
 */
/** Runs started before cycle starts were signed replay without the check. */
export const SIGNED_START_PATCH = 'signed-start';

const { verifyStart } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

export async function inspectionCycleWorkflow(input: CycleWorkflowInput): Promise<CycleSummary> {
  if (!patched(INBOX_LOOP_PATCH)) return legacyCycleWorkflow(input);
  return new CycleLoop(input).run();
}

type Arrival =
  | { kind: 'extend'; request: CycleExtension; done: boolean; failure?: Error }
  | { kind: 'cancel'; request: CycleCancellation; done: boolean; failure?: Error };

type Child = { projectId: string; handle: ChildWorkflowHandle<typeof majorProjectWorkflow> };

/** Like the project loop: handlers validate and queue, the loop alone records and signals. */
class CycleLoop {
  private readonly ctx: StreamContext;
  private readonly policy: CyclePolicy;
  private readonly clock: ClockAnchor;
  private planTime: string;
  private seq = 0;
  private window: CycleWindow;
  private status: CycleView['status'] = 'running';
  private summary: CycleSummary | null = null;
  private readonly children: Child[] = [];
  private readonly finals = new Map<string, ProjectState>();
  private readonly failed: string[] = [];
  private readonly arrivals: Arrival[] = [];
  private readonly guard = new TaskGuard();

  constructor(private readonly input: CycleWorkflowInput) {
    const info = workflowInfo();
    this.ctx = { streamId: info.workflowId, cycleId: input.cycleId, projectId: null };
    this.policy = parsePolicy(input.policy);
    // The run's start is in its history, so the clock is the same on every replay.
    const startedAt = info.runStartTime.toISOString();
    this.clock = input.drill
      ? drillClock(startedAt, input.window.opensAt, input.drill.yearSeconds)
      : realClock(startedAt);
    this.planTime = planNow(this.clock, Date.parse(startedAt));
    this.window = input.window;
  }

  async run(): Promise<CycleSummary> {
    this.guard.acted();
    this.listen();
    await this.refuseUnprovenStart();
    await this.commit(
      [
        {
          type: 'CycleStarted',
          data: {
            name: this.input.name,
            planId: this.input.planId,
            planVersion: this.input.planVersion,
            scope: this.input.scope,
            window: this.input.window,
            policy: this.policy,
            drill: this.input.drill,
            itemIds: this.input.items.map((i) => i.itemId),
            clock: this.clock,
          },
        },
      ],
      this.input.startedBy,
      null,
    );
    for (let i = 0; i < this.input.items.length; i += START_BATCH) {
      const batch = this.input.items.slice(i, i + START_BATCH);
      const handles = await this.step(Promise.all(batch.map((item) => this.startProject(item))));
      handles.forEach((handle, j) => this.watch({ projectId: batch[j]!.itemId, handle }));
    }
    const settled = () => this.finals.size + this.failed.length === this.children.length;
    while (this.arrivals.length > 0 || !settled()) {
      const arrival = this.arrivals.shift();
      if (arrival) await this.handle(arrival);
      else await this.wait(() => this.arrivals.length > 0 || settled());
    }
    if (this.failed.length > 0) {
      throw ApplicationFailure.nonRetryable(`项目流程异常结束：${this.failed.join('、')}`, 'project_failed');
    }
    const finals = this.children.map((c) => this.finals.get(c.projectId)!);
    this.summary = summarize(finals, this.policy.scoringBaseline);
    const outcome = this.status === 'cancelled' ? 'cancelled' : 'completed';
    this.status = outcome;
    // The cycle closes when its last project did, in plan time.
    const closedAt = finals
      .map((f) => f.asOf)
      .reduce(
        (latest: string, at) => (at && Date.parse(at) > Date.parse(latest) ? at : latest),
        this.planTime,
      );
    await this.commit(
      [{ type: 'CycleClosed', data: { projects: finals.length, outcome } }],
      SYSTEM,
      null,
      closedAt,
    );
    await condition(allHandlersFinished);
    return this.summary;
  }

  /**
   * A cycle a person started (not a recurring round's child) must carry a proof the worker
   * verifies: an activity judges it at the server's start time and the history keeps the answer,
   * so replay never judges again. A refused start fails before anything is recorded in the log.
   */
  private async refuseUnprovenStart(): Promise<void> {
    const info = workflowInfo();
    if (!patched(SIGNED_START_PATCH) || info.parent) return;
    const verdict = await this.step(
      verifyStart({
        command: this.input as unknown as Record<string, unknown>,
        workflowId: info.workflowId,
        startedAt: info.startTime.toISOString(),
      }),
    );
    if (!verdict.ok)
      throw ApplicationFailure.nonRetryable(`发起督导周期的身份未经核验：${verdict.reason}`, UNVERIFIED);
  }

  private listen(): void {
    setHandler(cycleStateQuery, () => this.view());
    setHandler(extendCycle, (request) => this.enqueue({ kind: 'extend', request, done: false }), {
      validator: (request) => {
        const { actor, window, reason, requestedAt } = request;
        refuseUnproven(request, 'extend');
        this.refuse(requestedAt);
        this.decide({ type: 'extend', actor, window, reason });
      },
    });
    setHandler(cancelCycle, (request) => this.enqueue({ kind: 'cancel', request, done: false }), {
      validator: (request) => {
        const { actor, reason, requestedAt } = request;
        refuseUnproven(request, 'cancel');
        this.refuse(requestedAt);
        this.decide({ type: 'cancel', actor, reason });
      },
    });
  }

  /** Live only: the refusals that depend on the moment a command arrives, not on the cycle. */
  private refuse(requestedAt: string | undefined): void {
    this.guard.refuseIfBusy();
    const problem = commandTimeProblem(requestedAt, Date.now());
    if (problem) throw ApplicationFailure.nonRetryable(problem, 'invalid_command');
  }

  /** The cycle decider on the cycle as it stands; a refusal carries its stable code. */
  private decide(command: CycleCommand): EventBody[] {
    try {
      return decideCycle({ status: this.status, window: this.window }, command);
    } catch (err) {
      if (err instanceof DomainError) throw ApplicationFailure.nonRetryable(err.message, err.code);
      throw err;
    }
  }

  private async enqueue(arrival: Arrival): Promise<CycleView> {
    this.arrivals.push(arrival);
    await condition(() => arrival.done);
    if (arrival.failure) throw arrival.failure;
    return this.view();
  }

  private async handle(arrival: Arrival): Promise<void> {
    const { request } = arrival;
    const sent = request.requestedAt ? planNow(this.clock, Date.parse(request.requestedAt)) : undefined;
    const at = sent && Date.parse(sent) > Date.parse(this.planTime) ? sent : this.planTime;
    const open = this.children.filter((c) => !this.finals.has(c.projectId));
    let events: EventBody[];
    try {
      events = this.decide(
        arrival.kind === 'extend'
          ? { type: 'extend', ...arrival.request }
          : { type: 'cancel', ...arrival.request },
      );
    } catch (err) {
      arrival.failure = err as Error;
      arrival.done = true;
      return;
    }
    const cause = arrival.kind === 'extend' ? 'update:extend' : 'update:cancel';
    await this.commit(events, request.actor, cause, at);
    for (const event of events) {
      const next = evolveCycle({ status: this.status, window: this.window }, event);
      this.status = next.status;
      this.window = next.window;
    }
    if (arrival.kind === 'extend') {
      const { window, reason } = arrival.request;
      await this.step(
        Promise.all(open.map((c) => signalOpen(c.handle.signal(cycleWindowChanged, { window, reason, at })))),
      );
    } else {
      const { reason, actor } = arrival.request;
      await this.step(
        Promise.all(open.map((c) => signalOpen(c.handle.signal(cycleCancelled, { reason, actor, at })))),
      );
    }
    arrival.done = true;
  }

  private startProject(item: CycleItem) {
    const [leadUnit, ...coUnits] = item.units;
    return startChild(majorProjectWorkflow, {
      workflowId: projectWorkflowId(this.ctx.streamId, item.itemId),
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [
        { key: SA.cycleId, value: this.input.cycleId },
        { key: SA.projectId, value: item.itemId },
        { key: SA.kind, value: item.kind },
        { key: SA.units, value: item.units },
        { key: SA.status, value: 'active' },
      ],
      args: [
        {
          cycleId: this.input.cycleId,
          projectId: item.itemId,
          policy: this.policyOf(item),
          clock: this.clock,
          closesAt: this.window.reviewDueAt,
          planTime: this.planTime,
          patches: PATCHES_AT_START,
          started: {
            itemId: item.itemId,
            kind: item.kind,
            title: item.title,
            section: item.section,
            leadUnit: leadUnit!,
            coUnits,
            targets: item.targets,
            milestones: planMilestones(item, this.input.window, this.policy),
            ...this.periodsOf(item),
          },
        },
      ],
    });
  }

  /**
   * A 任务 under the light flow (`taskFlow: 'light'`) owes its yearly statement with 催办 but no
   * 督办 ladder; every other item, and every cycle whose policy names no light flow (all cycles
   * started before it existed), runs on the cycle's policy as before.
   */
  private policyOf(item: CycleItem): CyclePolicy {
    if (item.kind !== 'task' || this.policy.taskFlow !== 'light' || !patched(TASK_FLOW_PATCH))
      return this.policy;
    return { ...this.policy, escalations: [] };
  }

  /**
   * 定期反馈 periods when the policy has a cadence (a cycle without one plans none, as before).
   * Planned on the cycle's first window, as milestones are.
   */
  private periodsOf(item: CycleItem): { periods?: ProgressPeriodPlan[] } {
    const cadence = this.policy.progressCadence;
    if (!cadence || !patched(CADENCE_PATCH)) return {};
    return { periods: planPeriods(item.itemId, this.input.window, cadence, this.policy.calendar) };
  }

  /** Children's results only fill the map (no commands), in the order history delivers them. */
  private watch(child: Child): void {
    this.children.push(child);
    void child.handle.result().then(
      (final) => void this.finals.set(child.projectId, final),
      () => void this.failed.push(child.projectId),
    );
  }

  private view(): CycleView {
    return {
      cycleId: this.input.cycleId,
      name: this.input.name,
      status: this.status,
      window: this.window,
      clock: this.clock,
      now: planNow(this.clock, Date.now()),
      projects: this.children.map((c) => ({
        projectId: c.projectId,
        workflowId: c.handle.workflowId,
        done: this.finals.has(c.projectId),
      })),
      summary: this.summary,
    };
  }

  private async commit(
    bodies: EventBody[],
    actor: Principal,
    causationId: string | null,
    at: string = this.planTime,
  ): Promise<void> {
    const events = bodies.map((b, i) => envelopeOf(this.ctx, b, this.seq + 1 + i, at, actor, causationId));
    await this.step(record(events));
    this.seq += events.length;
    this.planTime = at;
  }

  private async wait(fn: () => boolean): Promise<void> {
    await condition(fn);
    this.guard.acted();
  }

  private async step<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      this.guard.acted();
    }
  }
}

/** A project that closed meanwhile cannot be signalled any more, and needs not be. */
const signalOpen = (signal: Promise<void>): Promise<void> => signal.catch(() => undefined);
