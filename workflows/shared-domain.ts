/**
 * dudao's pure domain, evaluated once per worker into the workflow sandbox's shared module cache
 * (worker/bundle.ts `preloadModules`) rather than once per workflow: the reusable V8 context gives
 * each workflow a module cache of its own, so every module a workflow imports is otherwise
 * evaluated again for each open project, and the command schemas again at its first command
 * (several milliseconds of CPU and close to a megabyte of heap each time). The domain is pure:
 * functions, constants and schemas, nothing a workflow writes. Every domain module the workflows
 * import is listed here (test/replay/workflow-bundle.test.ts holds that none is left per workflow).
 *
 * The worker deep-freezes shared modules once they are loaded, and a frozen schema takes no new
 * property. zod 4 gives a schema some properties only on first use: its methods and some of its
 * internals (`_zod`) live on prototypes and become the instance's own the first time they are read,
 * and its memoizer settles each schema's `parse` at its first parse. `materialize` does all of that
 * for every schema these modules export, down to the last nested one, before the freeze.
 *
 * One thing must stay unfrozen: a string format's RegExp, whose `lastIndex` zod resets before each
 * test. `freezeAllButRegExps` freezes the modules first, leaving those out; the worker's freeze
 * stops at what is frozen already. A pattern is shared by every workflow, but single-threaded
 * and reset at each use, so no workflow sees another's.
 */
import * as assessmentRules from '../domain/assessment-rules';
import * as cadence from '../domain/cadence';
import * as calendar from '../domain/calendar';
import * as canonicalJson from '../domain/canonical-json';
import * as clock from '../domain/clock';
import * as commandProof from '../domain/command-proof';
import * as commands from '../domain/commands';
import * as cycle from '../domain/cycle';
import * as cycleDecider from '../domain/cycle-decider';
import * as domainError from '../domain/domain-error';
import * as scheduleV1 from '../domain/legacy/schedule-v1';
import * as policy from '../domain/policy';
import * as principal from '../domain/principal';
import * as project from '../domain/project';
import * as decide from '../domain/project/decide';
import * as evolve from '../domain/project/evolve';
import * as schedule from '../domain/project/schedule';
import * as state from '../domain/project/state';
import * as rag from '../domain/rag';
import * as reportShapes from '../domain/report-shapes';
import * as shanghai from '../domain/shanghai';
import * as systemPrincipal from '../domain/system-principal';
import * as workCalendar from '../domain/work-calendar';

/** Reads every prototype member of the zod schemas reachable from `value` and of their internals. */
export function materialize(value: unknown, seen = new Set<object>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if ('_zod' in value) {
    readPrototypeMembers(value);
    readPrototypeMembers((value as { _zod: object })._zod);
    firstParse(value as { safeParse?: (input: unknown) => unknown });
  }
  for (const key of Object.getOwnPropertyNames(value))
    materialize((value as Record<string, unknown>)[key], seen);
}

/**
 * One parse of the schema itself settles its memoized `parse` whatever the input; a transform or
 * refinement that cannot take `undefined` may throw, which matters nothing here.
 */
function firstParse(schema: { safeParse?: (input: unknown) => unknown }): void {
  try {
    schema.safeParse?.(undefined);
  } catch {
    // settled before the schema's own code ran
  }
}

function readPrototypeMembers(target: object): void {
  for (let p = Object.getPrototypeOf(target) as object | null; p && p !== Object.prototype;) {
    for (const key of Object.getOwnPropertyNames(p)) void (target as Record<string, unknown>)[key];
    p = Object.getPrototypeOf(p) as object | null;
  }
}

/** Freezes `value` and everything reachable through own properties, except RegExps. */
export function freezeAllButRegExps(value: unknown, seen = new Set<object>()): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  if (value instanceof RegExp || seen.has(value)) return;
  seen.add(value);
  if (typeof value === 'object')
    for (const key of Reflect.ownKeys(value))
      freezeAllButRegExps((value as Record<string | symbol, unknown>)[key], seen);
  Object.freeze(value);
}

export const sharedDomain = {
  assessmentRules,
  cadence,
  calendar,
  canonicalJson,
  clock,
  commandProof,
  commands,
  cycle,
  cycleDecider,
  domainError,
  scheduleV1,
  policy,
  principal,
  project,
  decide,
  evolve,
  schedule,
  state,
  rag,
  reportShapes,
  shanghai,
  systemPrincipal,
  workCalendar,
};
materialize(sharedDomain);
freezeAllButRegExps(sharedDomain);
