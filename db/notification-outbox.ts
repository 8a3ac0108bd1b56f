import { sql, type Insertable, type Kysely } from 'kysely';
import type { Database } from './database';
import type { NotificationsTable } from './tables/events';
import type { DomainEvent } from '../domain/events';
import { escalationTargetLabel } from '../domain/labels';
import { shanghaiDay } from '../domain/shanghai';
import { milestoneRag, type MilestoneFacts } from './projections/rag';
import type { Rag } from './tables/read-models';
import type { Span } from '../domain/policy';

/**
 * The id a notice is kept under. Runs recorded before notice ids named the unit and its 转办
 * generation gave the new unit's notices after a 转办 the ids of the old unit's: such a notice, whose
 * id an earlier notice of another event holds, is kept as `<id>@<event id>` instead of being dropped
 * as a duplicate. The outbox (the append function) and the notices read model follow this one rule.
 */
export function noticeIdFor(
  notificationId: string,
  eventId: string,
  holderOf: (id: string) => string | undefined,
): string {
  const holder = holderOf(notificationId);
  return holder === undefined || holder === eventId ? notificationId : `${notificationId}@${eventId}`;
}

/**
 * The outbox row a reminder or escalation event owes its unit, written with the event itself. The
 * channel is not chosen here: the notifier chooses it at delivery, from the unit directory and the
 * cycle's policy, so a configuration fixed after the fact reaches notices still waiting.
 */
export function notificationFor(event: DomainEvent): Insertable<NotificationsTable> | null {
  if (event.type !== 'ReminderSent' && event.type !== 'EscalationRaised') return null;
  const due = shanghaiDay(event.data.dueAt);
  const common = {
    notification_id: event.data.notificationId,
    event_id: event.eventId,
    cycle_id: event.cycleId,
    unit: event.data.unit,
    project_id: event.projectId,
    milestone_id: event.data.milestoneId,
    due_at: event.data.dueAt,
    notice_at: event.at,
  };
  if (event.type === 'ReminderSent')
    return {
      ...common,
      kind: 'reminder',
      subject: `【催办】${event.projectId ?? ''} 将于 ${due} 到期`,
      body: `${event.data.unit}：您承办的事项（${event.data.milestoneId}）将于 ${due} 到期（提前 ${event.data.leadTime} 催办），请按时报送进展及佐证材料。`,
    };
  return {
    ...common,
    kind: `escalation-${event.data.level}`,
    subject: `【督办·${event.data.level}级】${event.projectId ?? ''} ${event.data.reason === 'overdue' ? '已逾期' : '多次退回'}`,
    body: `${event.data.unit}承办的事项（${event.data.milestoneId}）${
      event.data.reason === 'overdue' ? `已超过期限 ${due} 仍未办结` : '经多次退回仍未通过审核'
    }，现升级为${event.data.level}级督办，通知${escalationTargetLabel[event.data.target]}。`,
  };
}

/** A notice as the notifier reads it, with where its unit wants it and what its card shows. */
export interface DueNotice {
  notificationId: string;
  kind: string;
  cycleId: string;
  unit: string;
  subject: string;
  body: string;
  projectId: string | null;
  projectTitle: string | null;
  milestoneId: string | null;
  dueAt: string | null;
  /**
   * The milestone's colour on the board at the notice's plan time, from the read model as it stands when
   * the notice is sent (moments after its event); null when the read model has no row for it.
   */
  colour: Rag | null;
  /** Attempts so far, this one included. */
  attempts: number;
  /** The unit directory entry, if the unit has one. */
  directory: { channel: string; address: string | null; secret: string | null } | null;
  /** The cycle policy's default channel (`notifyChannel`), if it names one. */
  policyChannel: string | null;
}

export interface Claim {
  notice: DueNotice;
  attemptId: string;
}

export const INTERRUPTED_DETAIL =
  '投递进程在发送后、记录结果前中断，结果未知；以同一投递编号重发，接收方据此去重';

/**
 * Claims the next notice due, in one short transaction: a pending notice whose backoff has passed,
 * or one left `sending` by a notifier that died (its lease ran out; that attempt is recorded as
 * interrupted). The new attempt is recorded as `sending` on `channelOf`'s channel before anything is
 * sent, and the notice is leased for `leaseSeconds`.
 */
export async function claimNextNotice(
  db: Kysely<Database>,
  leaseSeconds: number,
  channelOf: (notice: DueNotice) => string,
): Promise<Claim | null> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      notification_id: string;
      kind: string;
      cycle_id: string;
      unit: string;
      subject: string;
      body: string;
      project_id: string | null;
      milestone_id: string | null;
      due_at: Date | null;
      notice_at: Date | null;
      status: string;
      attempts: number;
    }>`SELECT notification_id, kind, cycle_id, unit, subject, body, project_id, milestone_id, due_at,
              notice_at, status, attempts
       FROM notifications
       WHERE (status = 'pending' AND next_attempt_at <= now())
          OR (status = 'sending' AND claimed_until < now())
       ORDER BY next_attempt_at, created_at
       LIMIT 1
       FOR UPDATE SKIP LOCKED`.execute(trx);
    const row = rows[0];
    if (!row) return null;
    if (row.status === 'sending') {
      await trx
        .updateTable('notification_attempts')
        .set({ status: 'interrupted', detail: INTERRUPTED_DETAIL, finished_at: sql<string>`now()` })
        .where('notification_id', '=', row.notification_id)
        .where('status', '=', 'sending')
        .execute();
    }
    const context = await noticeContext(trx, row);
    const notice: DueNotice = {
      notificationId: row.notification_id,
      kind: row.kind,
      cycleId: row.cycle_id,
      unit: row.unit,
      subject: row.subject,
      body: row.body,
      projectId: row.project_id,
      milestoneId: row.milestone_id,
      dueAt: row.due_at ? new Date(row.due_at).toISOString() : null,
      attempts: row.attempts + 1,
      ...context,
    };
    const channel = channelOf(notice);
    const attempt = await trx
      .insertInto('notification_attempts')
      .values({ notification_id: row.notification_id, status: 'sending', channel, ok: null, detail: '' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`UPDATE notifications
      SET status = 'sending', attempts = attempts + 1, channel = ${channel},
          claimed_until = now() + make_interval(secs => ${leaseSeconds})
      WHERE notification_id = ${row.notification_id}`.execute(trx);
    return { notice, attemptId: attempt.id };
  });
}

type Context = Pick<DueNotice, 'projectTitle' | 'colour' | 'directory' | 'policyChannel'>;

/** What the notice's card shows and where its unit wants it: the read models, the directory, the policy. */
async function noticeContext(
  db: Kysely<Database>,
  n: {
    cycle_id: string;
    unit: string;
    project_id: string | null;
    milestone_id: string | null;
    notice_at: Date | null;
  },
): Promise<Context> {
  const { rows } = await sql<{
    title: string | null;
    status: MilestoneFacts['status'] | null;
    outcome: MilestoneFacts['outcome'];
    opens_at: Date | null;
    due_at: Date | null;
    returns: number | null;
    amber_within: Span | null;
    max_returns: number | null;
    channel: string | null;
    address: string | null;
    secret: string | null;
    policy_channel: string | null;
  }>`SELECT p.title, m.status, m.outcome, m.opens_at, m.due_at, m.returns, c.amber_within, c.max_returns,
            u.channel, u.address, u.secret,
            (SELECT e.payload #>> '{policy,notifyChannel}' FROM events e
              WHERE e.cycle_id = ${n.cycle_id} AND e.type = 'CycleStarted' LIMIT 1) AS policy_channel
     FROM (SELECT 1) one
     LEFT JOIN projects p ON p.cycle_id = ${n.cycle_id} AND p.project_id = ${n.project_id}
     LEFT JOIN milestones m ON m.cycle_id = ${n.cycle_id} AND m.project_id = ${n.project_id}
                           AND m.milestone_id = ${n.milestone_id}
     LEFT JOIN cycles c ON c.cycle_id = ${n.cycle_id}
     LEFT JOIN unit_channels u ON u.unit = ${n.unit}`.execute(db);
  const r = rows[0]!;
  const colour =
    r.status && r.opens_at && r.due_at && n.notice_at
      ? milestoneRag(
          {
            status: r.status,
            outcome: r.outcome,
            opens_at: new Date(r.opens_at).toISOString(),
            due_at: new Date(r.due_at).toISOString(),
            returns: r.returns ?? 0,
          },
          new Date(n.notice_at).toISOString(),
          {
            amberWithin: r.amber_within ?? { amount: 7, unit: 'days' },
            maxReturns: r.max_returns ?? 2,
          },
        ).rag
      : null;
  return {
    projectTitle: r.title,
    colour,
    directory: r.channel ? { channel: r.channel, address: r.address, secret: r.secret } : null,
    policyChannel: r.policy_channel,
  };
}

/**
 * Records an attempt's outcome, in a transaction of its own. The notice is updated only while this
 * claim still holds it (a notifier that outlived its lease must not overwrite its successor's
 * state); the attempt row always gets its true outcome.
 */
export async function recordOutcome(
  db: Kysely<Database>,
  claim: Claim,
  outcome: { ok: boolean; detail: string },
  maxAttempts: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('notification_attempts')
      .set({
        status: outcome.ok ? 'delivered' : 'failed',
        ok: outcome.ok,
        detail: outcome.detail,
        finished_at: sql<string>`now()`,
      })
      .where('id', '=', claim.attemptId)
      .execute();
    const attempts = claim.notice.attempts;
    await sql`UPDATE notifications
      SET status = ${outcome.ok ? 'delivered' : attempts >= maxAttempts ? 'failed' : 'pending'},
          delivered_at = ${outcome.ok ? sql`now()` : sql`NULL`},
          next_attempt_at = now() + make_interval(secs => ${2 ** attempts}),
          claimed_until = NULL
      WHERE notification_id = ${claim.notice.notificationId} AND status = 'sending' AND attempts = ${attempts}`.execute(
      trx,
    );
  });
}
