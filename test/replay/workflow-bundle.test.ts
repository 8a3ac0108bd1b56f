import vm from 'node:vm';
import type * as Schemas from '../../workflows/schemas';
import { parseCommand } from '../../domain/commands';
import { CyclePolicy } from '../../domain/policy';
import { proofProblem } from '../../domain/command-proof';
import { projectCommandTypes } from '../../workflows/messages';
import { bundle } from './support';
import { STACK_TRACE_LIMIT } from '../../workflows/stack-depth';

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
    /** Evaluates `source` in the sandbox, as workflow code would. */
    run: (source: string): unknown => vm.runInContext(source, context),
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

const schemaModule = /\/zod\/|domain\/(events|commands|command-proof|policy|plan|assessment-rules)\.[jt]s$/;

const actor = { userId: 'u', role: 'unit_staff', unit: '基教处' };
const at = '2017-03-01T08:00:00.000+08:00';
const evidence = [{ ref: 'oss://a', sha256: 'a'.repeat(64), name: '佐证' }];
const values = [{ targetIndex: 0, value: 80 }];

/** One command of each type with every optional part present (each nested schema parses). */
const fullCommands: Record<string, unknown>[] = projectCommandTypes.map((type) => ({
  type,
  actor,
  requestedAt: at,
  assignmentId: 'a1',
  milestoneId: 'm1',
  periodId: 'p1',
  requestId: 'r1',
  narrative: ' 进展 ',
  comment: '意见',
  reason: '理由',
  toUnit: '计财处',
  grant: true,
  confirm: true,
  newDueAt: at,
  requestedDueAt: at,
  values,
  evidence,
}));

/** Inputs each command schema must refuse, in the nested parts too. */
const badCommands: unknown[] = [
  null,
  'approve',
  { type: 'nope', actor },
  ...fullCommands.flatMap((c) => [
    { ...c, actor: { ...actor, role: 'nobody' } },
    { ...c, requestedAt: 'yesterday' },
    { ...c, narrative: '   ', reason: '', comment: 'x'.repeat(6_000), toUnit: '' },
    { ...c, values: [{ targetIndex: -1, value: 'a' }], evidence: [{ ref: '', sha256: 'xyz' }] },
    { ...c, requestedDueAt: 1, newDueAt: 'soon', grant: 'yes', confirm: null },
  ]),
];

const outcome = (parse: () => unknown): unknown => {
  try {
    return { ok: parse() };
  } catch (err) {
    return { refused: (err as Error).message, type: (err as Error).constructor.name };
  }
};

describe('the workflow bundle', () => {
  let box: ReturnType<typeof sandbox>;
  beforeAll(async () => {
    box = sandbox((await bundle()).code);
  });

  test('stack traces in the sandbox keep STACK_TRACE_LIMIT frames, set before the globals are frozen', () => {
    expect(box.run('Error.stackTraceLimit')).toBe(STACK_TRACE_LIMIT);
    const deep = `(function f(n) { return n === 0 ? new Error('x').stack : f(n - 1); })(20)`;
    const frames = String(box.run(deep))
      .split('\n')
      .filter((line) => line.trim().startsWith('at '));
    expect(frames).toHaveLength(STACK_TRACE_LIMIT);
  });

  test('zod is evaluated once per worker, not once per open workflow', () => {
    expect(box.shared.some((m) => /\/zod\//.test(m))).toBe(true);
    const perWorkflow = [...box.openWorkflow().keys()];
    expect(perWorkflow.filter((m) => schemaModule.test(m))).toEqual([]);
  });

  test("dudao's domain is evaluated once per worker, and shared: no domain module per workflow", () => {
    for (const module of ['commands', 'command-proof', 'policy', 'project/decide', 'rag'])
      expect(box.shared.some((m) => new RegExp(`domain/${module}\\.[jt]s$`).test(m))).toBe(true);
    expect([...box.openWorkflow().keys()].filter((m) => /\/domain\//.test(m))).toEqual([]);
  });

  test('frozen and shared, the schemas parse and refuse exactly as the domain does', () => {
    const schemas = [...box.openWorkflow()].find(([m]) => /workflows\/schemas\.[jt]s$/.test(m))![1]
      .exports as typeof Schemas;
    // Twice over: the first parse of a schema is where zod would write to it.
    for (let round = 0; round < 2; round++) {
      for (const input of [...fullCommands, ...badCommands])
        expect(outcome(() => schemas.parseCommand(input))).toEqual(outcome(() => parseCommand(input)));
      for (const input of [{}, { maxReturns: 0 }, { reminders: [{ amount: 1, unit: 'weeks' }] }])
        expect(outcome(() => schemas.parsePolicy(input))).toEqual(outcome(() => CyclePolicy.parse(input)));
      const where = { workflowId: 'w', update: 'approve', updateId: 'u1' };
      for (const proof of [undefined, {}, { keyId: 'k', principal: actor, expiresAt: at, nonce: 'n' }])
        expect(schemas.proofProblem({ actor, proof }, where)).toBe(proofProblem({ actor, proof }, where));
    }
    expect(fullCommands.every((c) => 'ok' in (outcome(() => parseCommand(c)) as object))).toBe(true);
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
