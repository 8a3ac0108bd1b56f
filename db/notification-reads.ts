import { sql, type Kysely } from 'kysely';
import type { Database } from './database';

export interface UnitNotice {
  notificationId: string;
  kind: string;
  cycleId: string;
  unit: string;
  subject: string;
  body: string;
  projectId: string | null;
  milestoneId: string | null;
  dueAt: string | null;
  createdAt: string;
  status: string;
  deliveredAt: string | null;
  /** The first time someone of the unit opened it; null while unread. */
  openedAt: string | null;
}

type NoticeRow = {
  notification_id: string;
  kind: string;
  cycle_id: string;
  unit: string;
  subject: string;
  body: string;
  project_id: string | null;
  milestone_id: string | null;
  due_at: Date | null;
  created_at: Date;
  status: string;
  delivered_at: Date | null;
  opened_at: Date | null;
};

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
const toNotice = (r: NoticeRow): UnitNotice => ({
  notificationId: r.notification_id,
  kind: r.kind,
  cycleId: r.cycle_id,
  unit: r.unit,
  subject: r.subject,
  body: r.body,
  projectId: r.project_id,
  milestoneId: r.milestone_id,
  dueAt: iso(r.due_at),
  createdAt: iso(r.created_at)!,
  status: r.status,
  deliveredAt: iso(r.delivered_at),
  openedAt: iso(r.opened_at),
});
const columns = [
  'notification_id',
  'kind',
  'cycle_id',
  'unit',
  'subject',
  'body',
  'project_id',
  'milestone_id',
  'due_at',
  'created_at',
  'status',
  'delivered_at',
  'opened_at',
] as const;

/** A unit's notices, newest first. */
export async function unitNotices(db: Kysely<Database>, unit: string, limit = 200): Promise<UnitNotice[]> {
  const rows = await db
    .selectFrom('notifications')
    .select(columns)
    .where('unit', '=', unit)
    .orderBy('created_at', 'desc')
    .orderBy('notification_id')
    .limit(limit)
    .execute();
  return rows.map(toNotice);
}

export async function findNotice(db: Kysely<Database>, notificationId: string): Promise<UnitNotice | null> {
  const row = await db
    .selectFrom('notifications')
    .select(columns)
    .where('notification_id', '=', notificationId)
    .executeTakeFirst();
  return row ? toNotice(row) : null;
}

/**
 * Records that someone opened a notice: a row in the append-only `notification_reads` every time,
 * and `opened_at` the first time only. The caller has checked that the reader is of the notice's unit.
 */
export async function recordNoticeOpened(
  db: Kysely<Database>,
  notificationId: string,
  reader: { unit: string; username: string; role: string; via: 'web' | 'api' },
): Promise<UnitNotice> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('notification_reads')
      .values({ notification_id: notificationId, ...reader })
      .execute();
    const row = await trx
      .updateTable('notifications')
      .set({ opened_at: sql<string>`coalesce(opened_at, now())` })
      .where('notification_id', '=', notificationId)
      .returning(columns)
      .executeTakeFirstOrThrow();
    return toNotice(row);
  });
}
