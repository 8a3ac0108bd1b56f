import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';

export interface Channel {
  name: string;
  deliver(n: { notificationId: string; unit: string; subject: string; body: string }): Promise<string>;
}

export const logChannel = (write: (line: string) => void = (l) => console.log(l)): Channel => ({
  name: 'log',
  async deliver(n) {
    write(`📨 [${n.unit}] ${n.subject}`);
    return 'written to log';
  },
});

export const webhookChannel = (url: string): Channel => ({
  name: 'webhook',
  async deliver(n) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(n),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return `HTTP ${res.status}`;
  },
});

const MAX_ATTEMPTS = 8;

/**
 * Delivers the outbox: each pending notification is tried on its channel; a failure is recorded and
 * retried with exponential backoff. Workflows never wait on delivery.
 */
export async function deliverPending(
  db: Kysely<Database>,
  channels: Record<string, Channel>,
  batch = 50,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('notifications')
      .select(['notification_id', 'unit', 'subject', 'body', 'channel', 'attempts'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', sql<Date>`now()`)
      .orderBy('created_at')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const n of due) {
      const channel = channels[n.channel] ?? channels.log!;
      let ok = true;
      let detail: string;
      try {
        detail = await channel.deliver({
          notificationId: n.notification_id,
          unit: n.unit,
          subject: n.subject,
          body: n.body,
        });
      } catch (err) {
        ok = false;
        detail = (err as Error).message;
      }
      const attempts = n.attempts + 1;
      await trx
        .insertInto('notification_attempts')
        .values({ notification_id: n.notification_id, ok, detail })
        .execute();
      await trx
        .updateTable('notifications')
        .set({
          attempts,
          status: ok ? 'delivered' : attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
          delivered_at: ok ? new Date().toISOString() : null,
          next_attempt_at: new Date(Date.now() + 1000 * 2 ** attempts).toISOString(),
        })
        .where('notification_id', '=', n.notification_id)
        .execute();
    }
    return due.length;
  });
}

/** Polls the outbox until stopped. */
export function startNotifier(
  db: Kysely<Database>,
  channels: Record<string, Channel>,
  intervalMs = 1000,
): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      const n = await deliverPending(db, channels).catch(() => 0);
      if (n === 0) await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

export function defaultChannels(write?: (line: string) => void): Record<string, Channel> {
  const channels: Record<string, Channel> = { log: logChannel(write) };
  if (process.env.DUDAO_WEBHOOK_URL) channels.webhook = webhookChannel(process.env.DUDAO_WEBHOOK_URL);
  return channels;
}
