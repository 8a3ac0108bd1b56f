/**
 * dudao's own zod schemas, evaluated once per worker into the workflow sandbox's shared module cache
 * (worker/bundle.ts `preloadModules`) rather than once per workflow that parses: without this every
 * project built the command schemas (and the principal, proof and policy schemas under them) again
 * at its first command, several milliseconds of CPU and close to a megabyte of heap each time.
 * `workflows/schemas.ts` still requires them lazily, so a bundle without this preload keeps working.
 *
 * The worker deep-freezes shared modules once they are loaded, and a frozen schema takes no new
 * property. zod 4 gives a schema some properties only on first use: its methods and some of its
 * internals (`_zod`) live on prototypes and become the instance's own the first time they are read,
 * and its memoizer settles each schema's `parse` at its first parse. `materialize` does all of that
 * for every schema these modules export, down to the last nested one, before the freeze.
 *
 * One thing must stay unfrozen: a string format's RegExp, whose `lastIndex` zod resets before each
 * test. `freezeAllButRegExps` freezes the schemas first, leaving those out; the worker's freeze
 * stops at what is frozen already. A pattern is shared by every workflow, but single-threaded
 * and reset at each use, so no workflow sees another's.
 */
import * as commands from '../domain/commands';
import * as proof from '../domain/command-proof';
import * as policy from '../domain/policy';

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

export const sharedSchemas = { commands, proof, policy };
materialize(sharedSchemas);
freezeAllButRegExps(sharedSchemas);
