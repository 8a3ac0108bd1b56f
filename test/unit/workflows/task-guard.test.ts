import { TaskClock, TaskGuard } from '../../../workflows/task-guard';

/** Activations as the SDK core hands them over: workflow time (ms) and history length. */
function setup(): { clock: TaskClock; guard: TaskGuard; at: (now: number, length: number) => void } {
  const clock = new TaskClock();
  const guard = new TaskGuard(clock);
  return { clock, guard, at: (now, length) => clock.observe(now, length) };
}

const busy = (guard: TaskGuard): boolean => {
  try {
    guard.refuseIfBusy();
    return false;
  } catch {
    return true;
  }
};

describe('TaskGuard', () => {
  it('accepts an Update in a task in which the loop has not acted', () => {
    const { guard, at } = setup();
    at(1_000, 3);
    guard.acted();
    at(2_000, 9);
    expect(busy(guard)).toBe(false);
  });

  it('refuses it in a task whose earlier activation the loop acted in', () => {
    const { guard, at } = setup();
    at(1_000, 3);
    at(2_000, 9);
    guard.acted();
    at(2_000, 9); // the same task, a second activation (the Update after the task's events)
    expect(busy(guard)).toBe(true);
  });

  // Chaos seed 93617: a query replayed the run on a worker that did not hold it; the timer that had
  // fired meanwhile reached the loop outside any task (history 21, the clock still at the task that
  // ended at 16), and the loop's command went out with the next task (24), which carried the Update.
  it('refuses it in the task that carries what the loop did outside any task', () => {
    const { guard, at } = setup();
    at(1_000, 16);
    guard.acted();
    at(1_000, 21); // outside any task: history moved on, the clock did not
    expect(busy(guard)).toBe(true);
    guard.acted();
    at(5_000, 24);
    expect(busy(guard)).toBe(true);
    at(6_000, 31);
    expect(busy(guard)).toBe(false);
  });

  it('accepts again once a task passes in which the loop did nothing', () => {
    const { guard, at } = setup();
    at(1_000, 16);
    at(1_000, 21);
    at(5_000, 24); // the loop did not act outside a task, but the task is still refused
    expect(busy(guard)).toBe(true);
    at(6_000, 31);
    expect(busy(guard)).toBe(false);
  });

  // Chaos seed 4402 (hypothesis: the history was not kept): the history a query replayed ended in the
  // start of a task whose worker had been killed, so the clock moved as if a task had begun; the
  // loop acted there, and its command went out with the next real task, which carried an Update.
  it('refuses it in the next task when a query follows an activation the loop acted in', () => {
    const { clock, guard, at } = setup();
    at(1_000, 16);
    at(3_000, 19); // the replayed start of a task that later timed out
    guard.acted();
    clock.queried();
    at(9_000, 24);
    expect(busy(guard)).toBe(true);
    at(9_500, 27);
    expect(busy(guard)).toBe(false);
  });

  it('does not hold Updates back after a query when the loop had not acted in that task', () => {
    const { clock, guard, at } = setup();
    at(1_000, 16);
    guard.acted();
    at(2_000, 20);
    clock.queried();
    at(3_000, 24);
    expect(busy(guard)).toBe(false);
  });
});
