import vm from 'node:vm';
import type * as Schemas from '../../workflows/schemas';
import { bundle } from './support';

/**
 * What one open workflow costs in modules. The worker's reusable V8 context shares the modules
 * loaded before any workflow exists (Temporal's own, and `preloadModules`), deep-frozen, and gives
 * each workflow a module cache of its own for everything else. This evaluates the real bundle the
 * same way: the preloaded modules once, frozen, then the workflows with a fresh module cache.
 */
function sandbox(code: string) {
  const context = vm.createContext({ TextEncoder, TextDecoder, console, setTimeout, clearTimeout });
  const shared = new Map<PropertyKey, unknown>();
  let own: Map<PropertyKey, unknown> | null = null;
  Object.defineProperty(context, '__webpack_module_cache__', {
    value: new Proxy(
      {},
      {
        get: (_, key) => shared.get(key) ?? own?.get(key),
        set: (_, key, value) => {
          (own ?? shared).set(key, value);
          return true;
        },
      },
    ),
  });
  new vm.Script(code).runInContext(context);
  vm.runInContext('__TEMPORAL__.preloadModules()', context);
  for (const module of shared.values()) deepFreeze(module);
  return {
    shared: [...shared.keys()].map(String),
    /** The modules one workflow evaluates, and their exports. */
    openWorkflow(): Map<string, { exports: Record<string, unknown> }> {
      own = new Map();
      vm.runInContext('__TEMPORAL__.importWorkflows()', context);
      return own as Map<string, { exports: Record<string, unknown> }>;
    },
  };
}

/** As the worker freezes shared modules (reusable-vm.js): own properties, not prototypes or closures. */
function deepFreeze(value: unknown, seen = new WeakSet<object>()): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  if (seen.has(value) || Object.isFrozen(value)) return;
  seen.add(value);
  if (typeof value === 'object')
    for (const key of Reflect.ownKeys(value)) {
      try {
        deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
      } catch {
        // some objects cannot be frozen (typed arrays), as in the worker
      }
    }
  Object.freeze(value);
}

const schemaModule = /\/zod\/|domain\/(events|commands|policy|plan|assessment-rules)\.[jt]s$/;

describe('the workflow bundle', () => {
  let box: ReturnType<typeof sandbox>;
  beforeAll(async () => {
    box = sandbox((await bundle()).code);
  });

  test('zod is evaluated once per worker, not once per open workflow', () => {
    expect(box.shared.some((m) => /\/zod\//.test(m))).toBe(true);
    const perWorkflow = [...box.openWorkflow().keys()];
    expect(perWorkflow.filter((m) => schemaModule.test(m))).toEqual([]);
  });

  test('a workflow parses commands and policies with the domain schemas, zod frozen', () => {
    const schemas = [...box.openWorkflow()].find(([m]) => /workflows\/schemas\.[jt]s$/.test(m))![1]
      .exports as typeof Schemas;
    const actor = { userId: 'u', role: 'unit_staff', unit: '基教处' };
    expect(schemas.parseCommand({ type: 'approve', actor, milestoneId: 'm1', extra: 1 })).toEqual({
      type: 'approve',
      actor,
      milestoneId: 'm1',
      comment: '',
    });
    expect(() =>
      schemas.parseCommand({ type: 'submitReport', actor: { ...actor, unit: null }, milestoneId: 'm1' }),
    ).toThrow('命令格式不正确');
    expect(schemas.parsePolicy({}).reminders).toEqual([
      { amount: 7, unit: 'days' },
      { amount: 1, unit: 'days' },
    ]);
  });
});
