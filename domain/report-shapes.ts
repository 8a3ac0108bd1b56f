import { z } from 'zod';

/*
 * The shapes a unit's report carries, which both the commands (what a person sends) and the events
 * (what the record keeps) are built from. They live apart from `events.ts` so that parsing a
 * command builds only the command schemas: a project workflow parses its first command in a module
 * cache of its own (workflows/schemas.ts), where building every event schema as well cost it
 * several milliseconds per project.
 */

/** ISO-8601 instant; every time in an event is plan time (see clock.ts), never a `Date`. */
export const Iso = z.iso.datetime({ offset: true });

export const EvidenceRef = z.object({
  ref: z.string().min(1).max(2000),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '佐证材料哈希须为64位十六进制 SHA-256'),
  name: z.string().max(200).optional(),
});
export type EvidenceRef = z.infer<typeof EvidenceRef>;

export const ReportedValue = z.object({ targetIndex: z.number().int().min(0), value: z.number() });
export type ReportedValue = z.infer<typeof ReportedValue>;
