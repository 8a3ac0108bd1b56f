import { createRoute } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { sql } from 'kysely';
import type { ApiDeps } from '../../http/deps';
import { newRouter, security } from '../openapi';

/** How often the one shared watcher looks at the event log while anyone listens. */
const WATCH_MS = 2_000;
/** A comment line keeps proxies from closing a quiet stream. */
const PING_MS = 20_000;

const changes = createRoute({
  method: 'get',
  path: '/api/changes',
  summary: '变更推送（Server-Sent Events）：事件日志有新事件时发出 change，网页据此刷新看板和待办',
  security,
  responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: {} } } } },
});

/**
 * Every open page listens here instead of polling: one query every two seconds for the whole
 * server (not one per page) notices new events and tells every listener at once.
 */
export function liveRoutes(deps: ApiDeps) {
  const listeners = new Set<(position: string) => void>();
  let last: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  const watch = async () => {
    try {
      const { rows } = await sql<{ p: string | null }>`SELECT max(position)::text AS p FROM events`.execute(
        deps.db,
      );
      const position = rows[0]?.p ?? '0';
      if (last !== null && position !== last) for (const l of listeners) l(position);
      last = position;
    } catch {
      // The database is away for a moment (or the server is stopping): the next tick tries again.
    }
  };
  const subscribe = (listener: (position: string) => void) => {
    listeners.add(listener);
    if (!timer) {
      void watch();
      // Never what keeps a stopping process alive.
      timer = setInterval(() => void watch(), WATCH_MS).unref();
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = null;
        last = null;
      }
    };
  };

  return newRouter().openapi(changes, (c) =>
    streamSSE(c, async (stream) => {
      let wake: () => void = () => undefined;
      const unsubscribe = subscribe((position) => {
        void stream.writeSSE({ event: 'change', data: position });
      });
      stream.onAbort(() => {
        unsubscribe();
        wake();
      });
      await stream.writeSSE({ event: 'ready', data: '' });
      while (!stream.aborted && !stream.closed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, PING_MS).unref();
        });
        if (!stream.aborted) await stream.write(': ping\n\n');
      }
      unsubscribe();
    }),
  );
}
