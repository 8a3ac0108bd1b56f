/**
 * Libraries the worker evaluates once into the workflow sandbox's shared module cache
 * (worker/bundle.ts `preloadModules`), instead of once per open workflow: the reusable V8 context
 * gives each workflow a module cache of its own, so every library a workflow imports is otherwise
 * evaluated again for each of them (zod alone: about 1 MB of code, 0.85 MB of heap and tens of
 * milliseconds per workflow). The schemas dudao builds from zod are shared the same way
 * (`workflows/shared-domain.ts`).
 *
 * The worker deep-freezes shared modules once they are loaded. zod sets some of its module-level
 * state up on first use (the default locale and memoizer in its global config, whether `new
 * Function` may be used), which a frozen module can no longer do; building and parsing one schema
 * of each kind here, before the freeze, sets it all up.
 *
 * The export must be used: webpack drops a bare `import 'zod'`, zod being free of side effects.
 */
import * as zod from 'zod';

const { z } = zod;

const warmUp = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('a'),
      at: z.iso.datetime({ offset: true }).optional(),
      text: z.string().trim().min(1).max(10),
      count: z.number().int().min(0).default(0),
      list: z
        .array(z.object({ id: z.string() }))
        .max(2)
        .default([]),
      kind: z.enum(['x', 'y']).nullable(),
      map: z.record(z.string().regex(/^\d+$/), z.boolean()).optional(),
    })
    .refine((v) => v.kind !== 'y', { message: '-' }),
  z.object({ type: z.literal('b') }),
]);
for (const input of [
  { type: 'a', at: '2020-01-01T00:00:00.000Z', text: ' t ', kind: 'x', map: { 1: true } },
  { type: 'a', at: 'x', text: '', count: -1.5, list: [{}, {}, {}], kind: 'z', map: { a: 1 } },
  { type: 'a', text: 't', kind: 'y' },
  { type: 'c' },
  null,
])
  warmUp.safeParse(input);

export const sharedLibraries = { zod };
