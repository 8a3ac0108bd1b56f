import { sql, type Kysely } from 'kysely';

/*
 * Notices recorded before notice ids named their unit: after a 转办 the new unit's 催办 and 督办 had
 * the ids of the old unit's, and the outbox dropped them as duplicates. Each such notice gets the
 * outbox row it never had, under its own id ('<id>@<event id>', as the append function and the
 * notices read model now key it), marked failed with the reason: it was never sent, and is not sent
 * now, years late; the record says so.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    WITH dropped AS (
      INSERT INTO notifications (notification_id, event_id, kind, cycle_id, unit, subject, body, project_id,
                                 milestone_id, due_at, notice_at, status, attempts, next_attempt_at)
      SELECT (e.payload->>'notificationId') || '@' || e.event_id, e.event_id,
             CASE e.type WHEN 'ReminderSent' THEN 'reminder' ELSE 'escalation-' || (e.payload->>'level') END,
             e.cycle_id, e.payload->>'unit',
             CASE e.type WHEN 'ReminderSent' THEN '【催办】' ELSE '【督办·' || (e.payload->>'level') || '级】' END
               || coalesce(e.project_id, '') || '（转办后未投递）',
             (e.payload->>'unit') || '承办的事项（' || (e.payload->>'milestoneId') || '）转办后的这条通知，'
               || '当时因编号与原单位的通知相同而未能投递；系统升级后补记，未补发。',
             e.project_id, e.payload->>'milestoneId', (e.payload->>'dueAt')::timestamptz, e.occurred_at,
             'failed', 0, now()
      FROM events e
      WHERE e.type IN ('ReminderSent', 'EscalationRaised')
        AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_id = e.event_id)
        AND EXISTS (SELECT 1 FROM notifications n WHERE n.notification_id = e.payload->>'notificationId')
      RETURNING notification_id)
    INSERT INTO notification_attempts (notification_id, ok, detail, status, finished_at)
    SELECT notification_id, false, '通知编号与原单位的通知重复，当时未投递（迁移 0013 补记）', 'failed', now()
    FROM dropped`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(_db: Kysely<any>): Promise<void> {
  // The rows are part of the delivery record; they stay.
}
