/**
 * The project decider, by concern: `state` (shape and ids), `evolve` (fold an event), `decide`
 * (a command into events) and `schedule` (what time causes: `dueActions`, `tick`, `nextWake`).
 */
export * from './state';
export { evolve } from './evolve';
export { cancelEvents, decide, judge, targetMet, type DecideOptions } from './decide';
export { advance, dueActions, nextWake, tick, type DueAction, type TimedEvent } from './schedule';
