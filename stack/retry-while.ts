/**
 * Runs `attempt` again, every `intervalMs` (250 ms) for up to `waitMs`, while its failure is
 * `transient` (a server starting up or restarting), saying `waiting` once through `log` when given.
 * Any other failure, and the last one after `waitMs`, is thrown at once.
 */
export async function retryWhile<T>(
  attempt: () => Promise<T>,
  opts: {
    transient: (err: unknown) => boolean;
    waitMs: number;
    intervalMs?: number;
    waiting?: (waitSeconds: number) => string;
    log?: ((line: string) => void) | undefined;
  },
): Promise<T> {
  const deadline = Date.now() + opts.waitMs;
  let told = false;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!opts.transient(err) || Date.now() >= deadline) throw err;
      if (opts.waiting && !told) {
        (opts.log ?? console.error)(opts.waiting(Math.round(opts.waitMs / 1000)));
        told = true;
      }
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
    }
  }
}
