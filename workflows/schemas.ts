import type * as Commands from '../domain/commands';
import type * as Proof from '../domain/command-proof';
import type * as Policy from '../domain/policy';

/*
 * The zod schemas a workflow parses with. The worker evaluates them once and shares them with every
 * workflow (`workflows/shared-domain.ts`, preloaded by worker/bundle.ts); they are still required
 * here on first use, so that a bundle built without that preload evaluates them only in a workflow
 * that parses (a person's command, a cycle's start), never in every open one. The parse itself is
 * the domain's, unchanged.
 */

/** Parses untrusted input into a command, or a DomainError naming the first problem. */
export const parseCommand = (input: unknown): Commands.ProjectCommand =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  (require('../domain/commands') as typeof Commands).parseCommand(input);

/** A cycle's policy as given, with the defaults of what it leaves out. */
export const parsePolicy = (input: unknown): Policy.CyclePolicy =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  (require('../domain/policy') as typeof Policy).CyclePolicy.parse(input);

/** Why a command may not act, or null (`domain/command-proof.ts`); in Update validators only. */
export const proofProblem = (...args: Parameters<typeof Proof.proofProblem>): string | null =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  (require('../domain/command-proof') as typeof Proof).proofProblem(...args);
