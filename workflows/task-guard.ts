import { ApplicationFailure, workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { BUSY } from './messages';

/**
 * Keeps one workflow task's commands in one order, live and on replay.
 *
 * An Update reaches a workflow as a protocol message. On replay, the SDK core hands it to the
 * workflow first in the activation of the workflow task that accepted it, before anything else
 * that task carried (a timer fired, an activity completed). Running live, the commands a task
 * completes with can come from more than one activation, and the loop may act in an earlier one:
 *
 * - a task can be handed over in several activations (the SDK runs another while jobs remain);
 * - a query answered by a worker that does not hold the run replays the history as it stands,
 *   and any event that arrived after the last completed task (a timer that fired while the
 *   previous worker was dying) is handed to the workflow then, in an activation outside any task
 *   (chaos seed 93617, traced activation by activation). What the loop does there is sent with the
 *   next task the worker completes.
 *
 * Commands the loop issued there would come before the Update's acceptance live and after it on
 * replay: a nondeterminism error. So an Update is accepted only in a task in which the loop has not
 * acted; otherwise the validator refuses it with the code `busy` (a refused Update leaves nothing in
 * history) and the caller sends it again a moment later (`app/commands.ts`).
 *
 * Which task an activation belongs to is told by the workflow clock: the SDK core moves it to a
 * task's start time when the task starts, and nowhere else. An activation that moves history on
 * without moving the clock ran outside any task; whatever it did goes out with the next task, in
 * which no Update is accepted either.
 *
 * The clock cannot tell one case apart: the history a query replays may end in the start of a task
 * that later timed out (its worker was killed mid-task), and the core moves the clock to it. So a
 * query answered after the loop acted in the current task is taken as a sign that the loop may have
 * acted outside a task, and the next task refuses Updates too. A query on a run the worker holds
 * costs at most one refusal, which the caller's retry absorbs.
 */
export class TaskClock {
  /** Tasks seen by this run so far; the current one is `task`. */
  task = 0;
  private startedAt = Number.NEGATIVE_INFINITY;
  private length = -1;
  /** An activation ran outside a task since the current one started. */
  outside = false;
  /** The current task carries the commands of an activation that ran outside a task. */
  carrying = false;
  /** The task in which the loop last acted. */
  private actedIn = -1;

  /** An activation at workflow time `now` (ms) with `length` history events processed. */
  observe(now: number, length: number): void {
    if (now > this.startedAt) {
      this.task++;
      this.startedAt = now;
      this.length = length;
      this.carrying = this.outside;
      this.outside = false;
    } else if (length !== this.length) {
      this.length = length;
      this.outside = true;
    }
  }

  /** The loop resumed: from here on it may issue commands. */
  acted(): void {
    this.actedIn = this.task;
  }

  /** A query was answered; what the loop did in this task may not belong to it (see above). */
  queried(): void {
    if (this.actedIn === this.task) this.outside = true;
  }

  /** Whether an Update accepted now could follow commands already issued for this task. */
  unsettled(): boolean {
    return this.outside || this.carrying;
  }
}

/** One per run: the workflow bundle's modules are evaluated afresh for every run. */
const clock = new TaskClock();

/** Registered in the workflow bundle (`worker/bundle.ts`): sees every activation but queries. */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  internals: [
    {
      activate(input, next) {
        const jobs = input.activation.jobs ?? [];
        if (jobs.some((job) => !job.queryWorkflow)) clock.observe(Date.now(), workflowInfo().historyLength);
        if (jobs.some((job) => job.queryWorkflow)) clock.queried();
        return next(input);
      },
    },
  ],
});

export class TaskGuard {
  private actedFor = -1;

  constructor(private readonly tasks: TaskClock = clock) {}

  /** Called whenever the loop resumes: from here on it may issue commands. */
  acted(): void {
    this.actedFor = this.tasks.task;
    this.tasks.acted();
  }

  refuseIfBusy(): void {
    if (this.tasks.unsettled() || this.actedFor === this.tasks.task)
      throw ApplicationFailure.nonRetryable('流程正在处理上一步，请稍后重试', BUSY);
  }
}
