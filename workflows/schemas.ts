import type * as Commands from '../domain/commands';
import type * as Proof from '../domain/command-proof';
import type * as Policy from '../domain/policy';

/*
 * The zod schemas a workflow parses with, loaded the first time it parses rather than when it
 * starts. The reusable V8 context gives each workflow a module cache of its own, so a schema module
 * a workflow imports is evaluated once per open workflow: the command and event schemas (with the
 * plan and policy schemas they build on) cost about 0.8 MB and several milliseconds each. A project
 * parses (and checks a command's proof) only when a person sends it a command, and a cycle only
 * when it starts, so an idle project never loads them. The parse itself is the domain's, unchanged.
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
