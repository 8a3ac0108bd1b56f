import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  isCancellation,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CycleWindow,
  EventBody,
  EventOf,
  InstructionRecord,
  RectificationRecord,
  SubAssignmentRecord,
} from '../domain/events';
import type { CyclePolicy } from '../domain/policy';
import type { Principal } from '../domain/principal';
import { SYSTEM } from '../domain/system-principal';
import type { ProjectCommand } from '../domain/commands';
import { DomainError } from '../domain/domain-error';
import {
  cancelEvents,
  decide,
  emptyProject,
  evolve,
  advance,
  isFinished,
  nextWake,
  periodUnitOf,
  type DecideOptions,
  type ProjectState,
  type TimedEvent,
} from '../domain/project';
import { projectRag } from '../domain/rag';
import { replanPeriods } from '../domain/cadence';
import { commandTimeProblem, planNow, realDelayMs, type ClockAnchor } from '../domain/clock';
import { describeProject } from './view';
import { parseCommand } from './schemas';
import { envelopeOf, record, type StreamContext } from './recorder';
import { TaskGuard } from './task-guard';
import { legacyProjectWorkflow } from './legacy/project-v1';
import {
  cycleCancelled,
  cycleWindowChanged,
  projectCommandTypes,
  projectStateQuery,
  projectUpdates,
  type ProjectView,
} from './messages';
import { SA } from './search-attributes';
import { refuseUnproven, UNVERIFIED } from './proof';
import type { Activities } from '../activities';

export type ProjectWorkflowInput = {
  cycleId: string;
  projectId: string;
  policy: CyclePolicy;
  clock: ClockAnchor;
  /** Plan time at which whatever is still open is closed as missed (the cycle's review due date). */
  closesAt: string;
  started: EventOf<'ProjectStarted'>['data'];
  /** State carried over continue-as-new. */
  carried?: ProjectState;
  /** Plan time the previous run had reached (continue-as-new). */
  planTime?: string;
  /** The 领导批示 this item carries out: recorded first in its stream (`domain/instruction.ts`). */
  instruction?: { record: InstructionRecord; by: Principal };
  /** The 整改 this item carries out: recorded first in its stream (`domain/rectification.ts`). */
  rectification?: { record: RectificationRecord; by: Principal };
  /** The 多级下发 this item carries out: recorded first in its stream (`domain/dispatch.ts`). */
  subAssignment?: { record: SubAssignmentRecord; by: Principal };
  /**
   * Patches in force from this run's first task, with no marker (PATCHES_AT_START): absent from
   * runs started before the list existed, which ask `patched()` for every patch as they did.
   */
  patches?: readonly string[];
};

/** Runs started for a 领导批示 record it before ProjectStarted; no other run is touched. */
export const INSTRUCTION_PATCH = 'instruction-record';

/** Runs started for a 整改 record it before ProjectStarted; no other run is touched. */
export const RECTIFICATION_PATCH = 'rectification-record';

/** Runs started for a sub-assignment (多级下发) record its dispatch before ProjectStarted. */
export const DISPATCH_PATCH = 'sub-assignment-record';

/** A 领导批示 is a person's command: its start is verified like a cycle's; runs before it are not. */
export const SIGNED_INSTRUCTION_PATCH = 'signed-instruction-start';

/** A moved cycle window replans the 定期反馈 periods still open; runs before it left them as planned. */
export const PERIODS_FOLLOW_WINDOW_PATCH = 'periods-follow-window';

const { verifyStart } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

/**
 * A return past `maxReturns` on a policy with no 督办 ladder (a light-flow 任务) raises no 督办; runs
 * before it raised one at the ladder's missing first level.
 */
export const LADDERLESS_RETURNS_PATCH = 'ladderless-returns';

/** Runs recorded before the inbox loop replay through the legacy code. */
export const INBOX_LOOP_PATCH = 'inbox-loop';

/**
 * The loop keeps one timer per wake time: an arrival that leaves the next wake where it was no
 * longer cancels the timer and starts an identical one (two history events and a server timer
 * task per command saved). Runs before it restarted the timer after every arrival.
 */
export const STEADY_TIMER_PATCH = 'steady-wake-timer';

/**
 * A project's start records, in the same append as ProjectStarted, whatever is due at its start
 * (milestones opened and assigned): one activity and one workflow task per project instead of two
 * each. Runs before it recorded that work in a second append, at the loop's first turn.
 */
export const START_WITH_DUE_WORK_PATCH = 'start-with-due-work';

/**
 * Every patch of this workflow, as a run the cycle starts today takes them: in force from its first
 * task, so its history carries none of their markers (each marker also costs an upsert of
 * `TemporalChangeVersion`, and the server a visibility write, per project started). A run started
 * with an older list, or none, asks `patched()` for every patch it does not name, exactly as before.
 *
 * A new patch joins this list one release after the one that brings it, never with it: in a rolling
 * upgrade a worker without the patch may run a listed run's first tasks the old way, which only the
 * patch's absent marker would tell replay (a marker an older worker recorded for a patch it knew is
 * met: see inForce).
 */
export const PATCHES_AT_START: readonly string[] = [
  INBOX_LOOP_PATCH,
  START_WITH_DUE_WORK_PATCH,
  STEADY_TIMER_PATCH,
  INSTRUCTION_PATCH,
  RECTIFICATION_PATCH,
  DISPATCH_PATCH,
  SIGNED_INSTRUCTION_PATCH,
  PERIODS_FOLLOW_WINDOW_PATCH,
  LADDERLESS_RETURNS_PATCH,
];

/** Whether a patch is in force for the run started with `input`: named at its start, or patched(). */
function inForce(input: ProjectWorkflowInput, patchId: string): boolean {
  if (input.patches?.includes(patchId) !== true) return patched(patchId);
  // Named at the start: in force, and no marker is recorded for it. A history may still hold one:
  // in a rolling upgrade, a worker that knew no list may have run the task first and asked
  // patched(). Replay must meet a recorded marker with the same call (or fail as nondeterministic),
  // and in replay the call records nothing new: with no marker it only answers false, unused here.
  if (workflowInfo().unsafe.isReplaying) patched(patchId);
  return true;
}

/** Past this many history events a run hands over to a fresh one, whatever the milestones. */
const HISTORY_LIMIT = 5_000;

/**
 * 重大项目 supervision for one cycle: milestone timers, assignment, submission and review, 催办 and
 * the 督办 ladder, extensions and reassignment. Every transition is a domain event; the state is
 * the fold of those events, so the workflow acts on exactly what the record shows.
 */
export async function majorProjectWorkflow(input: ProjectWorkflowInput): Promise<ProjectState> {
  if (!inForce(input, INBOX_LOOP_PATCH)) return legacyProjectWorkflow(input);
  return new ProjectLoop(input).run();
}

/** What reaches the loop from outside: a person's command, or the cycle's window or cancellation. */
type Arrival =
  | { kind: 'command'; command: ProjectCommand; settle: (outcome: Outcome) => void }
  | { kind: 'window'; window: CycleWindow; reason: string; at: string | undefined }
  | { kind: 'cancel'; reason: string; actor: Principal; at: string | undefined };

type Outcome = { ok: true } | { ok: false; code: string; message: string };

/**
 * The project's single thread of control. Handlers only validate and queue; the loop alone decides,
 * records and changes state, one arrival or one timer at a time, so the same history always
 * yields the same commands whichever jobs share an activation. Time-driven work is decided at the
 * plan time its timer was set for, and a command at the plan time its sender acted, never at the
 * moment an activation happens to run.
 */
class ProjectLoop {
  private readonly ctx: StreamContext;
  private state: ProjectState;
  private planTime: string;
  private closesAt: string;
  private readonly arrivals: Arrival[] = [];
  private readonly guard = new TaskGuard();
  private published = '';
  /** The append awaiting its activity: what the record will show once it lands. */
  private inFlight: { events: EventBody[]; planTime: string };
  /** The timer the loop sleeps on until `wake` (STEADY_TIMER_PATCH); `fired` once it has. */
  private sleeper: { wake: string; fired: boolean; scope: CancellationScope } | null = null;
  /**
   * Wakes the loop waiting in arrivalOrWake: called by what it waits for (an arrival, its timer's
   * firing). A wait resolved directly, rather than a `condition()`, costs the SDK no further call
   * into the sandbox to test it after the activation's jobs (each call starts and joins a watchdog
   * thread for the isolate's execution timeout), and fewer promises; the loop still runs only once
   * the activation's jobs are all applied, as with a condition, since it resumes in a microtask.
   */
  private waiter: (() => void) | null = null;

  private arrive(arrival: Arrival): void {
    this.arrivals.push(arrival);
    this.waiter?.();
  }

  constructor(private readonly input: ProjectWorkflowInput) {
    const streamId = workflowInfo().workflowId;
    this.ctx = { streamId, cycleId: input.cycleId, projectId: input.projectId };
    this.state =
      input.carried ??
      emptyProject({ streamId, cycleId: input.cycleId, projectId: input.projectId, policy: input.policy });
    this.planTime = input.planTime ?? planNow(input.clock, workflowInfo().startTime.getTime());
    this.closesAt = input.closesAt;
    this.inFlight = { events: [], planTime: this.planTime };
  }

  async run(): Promise<ProjectState> {
    this.guard.acted();
    this.listen();
    if (!this.input.carried) {
      await this.refuseUnprovenInstruction();
      const started: EventBody = { type: 'ProjectStarted', data: this.input.started };
      const opening = [
        ...this.openingRecord(),
        { timed: [{ at: this.planTime, body: started }], actor: SYSTEM, causationId: null },
      ];
      if (inForce(this.input, START_WITH_DUE_WORK_PATCH)) {
        const begun = fold(
          this.state,
          opening.flatMap((step) => step.timed),
        );
        opening.push({
          timed: this.dueBy(begun, this.planTime, this.planTime),
          actor: SYSTEM,
          causationId: 'timer',
        });
      }
      await this.commit(opening, this.planTime);
    }
    const openAtStart = this.openMilestones();
    while (this.arrivals.length > 0 || !isFinished(this.state)) {
      const arrival = this.arrivals.shift();
      if (arrival) {
        await this.handle(arrival);
        continue;
      }
      const wake = nextWake(this.state, this.planTime, this.closesAt);
      if (wake !== null && Date.parse(wake) <= Date.parse(this.planTime)) {
        if ((await this.advanceTo(this.planTime)) === 0)
          throw new Error(`${this.ctx.streamId}: work due at ${wake} that tick does not do`);
        continue;
      }
      if (this.shouldHandOver(openAtStart)) {
        await this.condition(() => allHandlersFinished() || this.arrivals.length > 0);
        if (this.arrivals.length === 0) {
          return continueAsNew<typeof majorProjectWorkflow>({
            ...this.input,
            closesAt: this.closesAt,
            carried: this.state,
            planTime: this.planTime,
          });
        }
        continue;
      }
      const arrived = inForce(this.input, STEADY_TIMER_PATCH)
        ? await this.arrivalOrWake(wake)
        : wake === null
          ? await this.condition(() => this.arrivals.length > 0)
          : await this.condition(
              () => this.arrivals.length > 0,
              Math.max(1, realDelayMs(this.input.clock, wake, Date.now())),
            );
      // The timer decides at the plan time it was set for, however late the task runs.
      if (!arrived && wake !== null) await this.advanceTo(wake);
    }
    await this.condition(allHandlersFinished);
    return this.state;
  }

  /**
   * What a person's item records before ProjectStarted: the 批示, the 整改 or the 下发 it carries
   * out, each behind its own patch (a plan item's stream opens with ProjectStarted).
   */
  private openingRecord(): { timed: TimedEvent[]; actor: Principal; causationId: string }[] {
    const { instruction, rectification, subAssignment } = this.input;
    if (instruction && inForce(this.input, INSTRUCTION_PATCH))
      return [
        {
          timed: [{ at: this.planTime, body: { type: 'InstructionRecorded', data: instruction.record } }],
          actor: instruction.by,
          causationId: 'start:instruction',
        },
      ];
    if (rectification && inForce(this.input, RECTIFICATION_PATCH))
      return [
        {
          timed: [{ at: this.planTime, body: { type: 'RectificationIssued', data: rectification.record } }],
          actor: rectification.by,
          causationId: 'start:rectification',
        },
      ];
    if (subAssignment && inForce(this.input, DISPATCH_PATCH))
      return [
        {
          timed: [
            { at: this.planTime, body: { type: 'SubAssignmentDispatched', data: subAssignment.record } },
          ],
          actor: subAssignment.by,
          causationId: 'start:dispatch',
        },
      ];
    return [];
  }

  /**
   * A 领导批示, 整改 or 下发 item started by a person carries a proof the worker verifies before anything is
   * recorded (the history keeps the activity's answer, so replay never judges again); an item the
   * cycle starts is the cycle's child and was verified with it.
   */
  private async refuseUnprovenInstruction(): Promise<void> {
    const info = workflowInfo();
    const { instruction, rectification, subAssignment } = this.input;
    if (
      (!instruction && !rectification && !subAssignment) ||
      info.parent ||
      !inForce(this.input, SIGNED_INSTRUCTION_PATCH)
    )
      return;
    const verdict = await this.step(
      verifyStart({
        command: this.input as unknown as Record<string, unknown>,
        workflowId: info.workflowId,
        startedAt: info.startTime.toISOString(),
        workflowType: info.workflowType,
      }),
    );
    if (!verdict.ok)
      throw ApplicationFailure.nonRetryable(
        `${instruction ? '登记领导批示' : rectification ? '下发整改通知' : '下发'}的身份未经核验：${verdict.reason}`,
        UNVERIFIED,
      );
  }

  private listen(): void {
    setHandler(projectStateQuery, (): ProjectView =>
      describeProject(this.state, this.input.clock, Date.now()),
    );
    for (const type of projectCommandTypes) {
      setHandler(
        projectUpdates[type],
        (raw: ProjectCommand) => {
          const command = parseCommand(raw);
          // Settled by the loop once the command's turn is done: no condition for the SDK to poll.
          return new Promise<Outcome>((settle) => this.arrive({ kind: 'command', command, settle })).then(
            (outcome) => {
              if (!outcome.ok) throw ApplicationFailure.nonRetryable(outcome.message, outcome.code);
              return { state: this.state, clock: this.input.clock };
            },
          );
        },
        { validator: (raw: ProjectCommand) => this.validate(type, raw) },
      );
    }
    setHandler(cycleWindowChanged, ({ window, reason, at }) => {
      this.arrive({ kind: 'window', window, reason, at });
    });
    setHandler(cycleCancelled, ({ reason, actor, at }) => {
      this.arrive({ kind: 'cancel', reason, actor, at });
    });
  }

  /** Runs live only, before anything reaches history: a refused command changes nothing. */
  private validate(type: ProjectCommand['type'], raw: ProjectCommand): void {
    // Who sends it is judged first: an unproven command is refused as such, busy or not.
    refuseUnproven(raw, type);
    this.guard.refuseIfBusy();
    try {
      const command = parseCommand(raw);
      if (command.type !== type)
        throw new DomainError('invalid_command', `命令类型 ${command.type} 与操作 ${type} 不符`);
      const problem = commandTimeProblem(command.requestedAt, Date.now());
      if (problem) throw new DomainError('invalid_command', problem);
      // Judged on the record as it will stand once the append in flight lands: the loop decides
      // again when the command's turn comes, so this only refuses early what must be refused.
      if (this.arrivals.length === 0) {
        const base = fold(this.state, this.inFlight.events);
        const at = this.commandTime(command, this.inFlight.planTime);
        decide(fold(base, this.dueBy(base, this.inFlight.planTime, at)), command, at);
      }
    } catch (err) {
      if (err instanceof DomainError) throw ApplicationFailure.nonRetryable(err.message, err.code);
      throw err;
    }
  }

  private async handle(arrival: Arrival): Promise<void> {
    switch (arrival.kind) {
      case 'command': {
        const { command } = arrival;
        const at = this.commandTime(command, this.planTime);
        const due = this.dueBy(this.state, this.planTime, at);
        const options = this.decideOptions(command);
        let caused: EventBody[];
        try {
          caused = decide(fold(this.state, due), command, at, options);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          // The refusal answers once the append of what was due is under way, as it always has.
          const recording = this.commit([{ timed: due, actor: SYSTEM, causationId: 'timer' }], at);
          arrival.settle({ ok: false, code: err.code, message: err.message });
          await recording;
          return;
        }
        const outcome = await this.commit(
          [
            { timed: due, actor: SYSTEM, causationId: 'timer' },
            {
              timed: caused.map((body) => ({ at, body })),
              actor: command.actor,
              causationId: `update:${command.type}`,
            },
          ],
          at,
        );
        arrival.settle(outcome);
        return;
      }
      case 'window': {
        const at = laterOf(arrival.at, this.planTime);
        const due = this.dueBy(this.state, this.planTime, at);
        this.closesAt = arrival.window.reviewDueAt;
        const after = fold(this.state, due);
        const extended = progressExtensions(after, arrival.window, arrival.reason);
        const replanned = periodsReplanned(after, arrival.window, arrival.reason);
        if (replanned && inForce(this.input, PERIODS_FOLLOW_WINDOW_PATCH)) extended.push(replanned);
        await this.commit(
          [
            { timed: due, actor: SYSTEM, causationId: 'timer' },
            {
              timed: extended.map((body) => ({ at, body })),
              actor: SYSTEM,
              causationId: 'signal:cycleWindowChanged',
            },
          ],
          at,
        );
        return;
      }
      case 'cancel': {
        const at = laterOf(arrival.at, this.planTime);
        const due = this.dueBy(this.state, this.planTime, at);
        const after = fold(this.state, due);
        const cancelled = isFinished(after) ? [] : cancelEvents(after, arrival.reason);
        await this.commit(
          [
            { timed: due, actor: SYSTEM, causationId: 'timer' },
            {
              timed: cancelled.map((body) => ({ at, body })),
              actor: arrival.actor,
              causationId: 'signal:cycleCancelled',
            },
          ],
          at,
        );
        return;
      }
    }
  }

  /** Only a return on a policy without a ladder decides differently across generations. */
  private decideOptions(command: ProjectCommand): DecideOptions {
    if (command.type !== 'return' || this.state.policy.escalations.length > 0) return {};
    return { escalateReturnsWithoutLadder: !inForce(this.input, LADDERLESS_RETURNS_PATCH) };
  }

  /** Does whatever time has caused by plan time `to`, each at its own instant, and moves there. */
  private async advanceTo(to: string): Promise<number> {
    const due = this.dueBy(this.state, this.planTime, to);
    await this.commit([{ timed: due, actor: SYSTEM, causationId: 'timer' }], to);
    return due.length;
  }

  private dueBy(state: ProjectState, from: string, to: string): TimedEvent[] {
    return advance(state, from, to, this.closesAt);
  }

  /** A command acts at the plan time its sender acted, but never before what the loop has done. */
  private commandTime(command: ProjectCommand, reached: string): string {
    const sent = command.requestedAt ? planNow(this.input.clock, Date.parse(command.requestedAt)) : undefined;
    return laterOf(sent, reached);
  }

  /**
   * Records the steps' events in one append, then folds them into the state and moves the loop's
   * plan time to `reached`. A command the store refuses for good (a conflicting event) fails with
   * the state as it was; anything else the store refuses fails the workflow task, which Temporal
   * retries and `dudao doctor` shows, rather than letting the state run ahead of the log.
   */
  private async commit(
    steps: { timed: TimedEvent[]; actor: Principal; causationId: string | null }[],
    reached: string,
  ): Promise<Outcome> {
    let seq = this.state.seq;
    const events = steps.flatMap(({ timed, actor, causationId }) =>
      timed.map(({ at, body }) => envelopeOf(this.ctx, body, ++seq, at, actor, causationId)),
    );
    if (events.length > 0) {
      this.inFlight = { events, planTime: reached };
      try {
        await record(events);
      } catch (err) {
        if (isCancellation(err)) throw err;
        const command = steps.some((s) => s.causationId?.startsWith('update:') && s.timed.length > 0);
        if (command)
          return { ok: false, code: 'conflict', message: `记录失败，未作任何更改：${String(err)}` };
        throw new Error(`recording events of ${this.ctx.streamId} failed: ${String(err)}`);
      } finally {
        // What `step` does, without its two promises (see arrivalOrWake).
        this.guard.acted();
        this.inFlight = { events: [], planTime: this.planTime };
      }
    }
    for (const event of events) this.state = evolve(this.state, event, event.eventId);
    this.planTime = reached;
    this.inFlight = { events: [], planTime: reached };
    this.state = { ...this.state, asOf: reached };
    this.publishSearchAttributes();
    return { ok: true };
  }

  /** Search attributes follow the record; upserted only when they change. */
  private publishSearchAttributes(): void {
    const s = this.state;
    const open = s.milestones.filter((m) => m.phase !== 'closed');
    const nextDue = open.map((m) => m.dueAt).sort()[0];
    const units = [...new Set(s.milestones.flatMap((m) => m.assignments.map((a) => a.unit)))];
    const values = {
      status: s.status,
      rag: projectRag(s, this.planTime).rag,
      units: units.length ? units : [s.leadUnit, ...s.coUnits],
      nextDue,
    };
    const key = JSON.stringify(values);
    if (key === this.published) return;
    this.published = key;
    upsertSearchAttributes([
      { key: SA.status, value: values.status },
      { key: SA.rag, value: values.rag },
      { key: SA.units, value: values.units },
      ...(nextDue ? [{ key: SA.dueAt, value: new Date(nextDue) }] : []),
    ]);
  }

  private openMilestones(): number {
    return this.state.milestones.filter((m) => m.phase !== 'closed').length;
  }

  /** A fresh run per closed milestone keeps histories short over a five-year plan. */
  private shouldHandOver(openAtStart: number): boolean {
    const info = workflowInfo();
    return (
      this.openMilestones() < openAtStart || info.historyLength > HISTORY_LIMIT || info.continueAsNewSuggested
    );
  }

  /**
   * Waits for an arrival or for plan time `wake` (none: an arrival only), on a timer kept for as
   * long as the wake stays the same. An arrival comes first when both are there; the fired timer
   * is then acted on at the next turn of the loop, if its wake still stands.
   */
  private arrivalOrWake(wake: string | null): Promise<boolean> {
    if (this.sleeper && this.sleeper.wake !== wake) {
      this.sleeper.scope.cancel();
      this.sleeper = null;
    }
    if (wake !== null && !this.sleeper) {
      const sleeper = { wake, fired: false, scope: new CancellationScope() };
      const delay = Math.max(1, realDelayMs(this.input.clock, wake, Date.now()));
      sleeper.scope
        .run(() => sleep(delay))
        .then(
          () => {
            sleeper.fired = true;
            // A timer cancelled in the task it fired in may still resolve: only the loop's own wakes it.
            if (this.sleeper === sleeper) this.waiter?.();
          },
          () => undefined, // cancelled: the wake moved
        );
      this.sleeper = sleeper;
    }
    const ready = this.arrivals.length > 0 || this.sleeper?.fired === true;
    const woken = ready ? Promise.resolve() : new Promise<void>((resolve) => (this.waiter = resolve));
    return woken.then(() => {
      this.waiter = null;
      this.guard.acted();
      if (this.arrivals.length > 0) return true;
      this.sleeper = null;
      return false;
    });
  }

  /** Every wait of the loop: when it resumes, it may issue commands in the current task. */
  private async condition(fn: () => boolean, timeoutMs?: number): Promise<boolean> {
    const result =
      timeoutMs === undefined ? await condition(fn).then(() => true) : await condition(fn, timeoutMs);
    this.guard.acted();
    return result;
  }

  private async step<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      this.guard.acted();
    }
  }
}

const fold = (s: ProjectState, bodies: readonly (EventBody | TimedEvent)[]): ProjectState =>
  bodies.reduce((acc, b) => evolve(acc, 'body' in b ? b.body : b), s);

const laterOf = (at: string | undefined, reached: string): string =>
  at && Date.parse(at) > Date.parse(reached) ? at : reached;

/** The 定期反馈 periods a moved window changes, as one event; null when none changes. */
function periodsReplanned(s: ProjectState, window: CycleWindow, reason: string): EventBody | null {
  const cadence = s.policy.progressCadence;
  if (!s.periods || !cadence || isFinished(s)) return null;
  const periods = replanPeriods(s.itemId, s.periods, window, cadence, s.policy.calendar);
  return periods.length
    ? { type: 'ProgressPeriodsReplanned', data: { periods, unit: periodUnitOf(s), reason } }
    : null;
}

/**
 * When the cycle's submission deadline moves later, every progress-report milestone (one not tied
 * to a plan year) still open follows it.
 */
function progressExtensions(s: ProjectState, window: CycleWindow, reason: string): EventBody[] {
  return s.milestones
    .filter(
      (m) =>
        m.year === null && m.phase !== 'closed' && Date.parse(window.submissionDueAt) > Date.parse(m.dueAt),
    )
    .map((m) => ({
      type: 'ExtensionGranted',
      data: {
        milestoneId: m.milestoneId,
        requestId: 'cycle-extension',
        newDueAt: window.submissionDueAt,
        comment: reason,
      },
    }));
}
