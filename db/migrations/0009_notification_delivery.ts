import { sql, type Kysely } from 'kysely';

/**
 * Delivery that never loses a notice or claims one it did not deliver:
 * - a notice is claimed (status `sending`, a lease) and its attempt recorded before anything is
 *   sent, and the outcome recorded after, each in a transaction of its own;
 * - the channel is chosen at delivery from the unit directory (`unit_channels`), then the cycle's
 *   policy; the outbox row carries what a message card shows (project, milestone, deadline);
 * - who opened a notice is recorded append-only (`notification_reads`), `opened_at` keeps the first.
 */
// Migrations take Kysely<any> so they stay frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE notifications
    ALTER COLUMN channel DROP NOT NULL,
    ADD COLUMN project_id text,
    ADD COLUMN milestone_id text,
    ADD COLUMN due_at timestamptz,
    ADD COLUMN notice_at timestamptz,
    ADD COLUMN claimed_until timestamptz,
    ADD CONSTRAINT notifications_status CHECK (status IN ('pending', 'sending', 'delivered', 'failed'))`.execute(
    db,
  );
  await sql`UPDATE notifications n
    SET project_id = e.project_id, milestone_id = e.payload->>'milestoneId',
        due_at = (e.payload->>'dueAt')::timestamptz, notice_at = e.occurred_at
    FROM events e WHERE e.event_id = n.event_id`.execute(db);
  // A unit's own notices, newest first (the workspace and the API list them).
  await db.schema
    .createIndex('notifications_unit')
    .on('notifications')
    .columns(['unit', 'created_at'])
    .execute();

  await sql`ALTER TABLE notification_attempts
    ALTER COLUMN ok DROP NOT NULL,
    ADD COLUMN status text,
    ADD COLUMN channel text,
    ADD COLUMN finished_at timestamptz`.execute(db);
  await sql`UPDATE notification_attempts SET status = CASE WHEN ok THEN 'delivered' ELSE 'failed' END,
    finished_at = attempted_at`.execute(db);
  await sql`ALTER TABLE notification_attempts
    ALTER COLUMN status SET NOT NULL,
    ADD CONSTRAINT notification_attempts_status
      CHECK (status IN ('sending', 'delivered', 'failed', 'interrupted'))`.execute(db);

  await db.schema
    .createTable('unit_channels')
    .addColumn('unit', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) =>
      c.notNull().check(sql`channel IN ('log', 'webhook', 'dingtalk', 'wecom', 'email')`),
    )
    .addColumn('address', 'text')
    .addColumn('secret', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addCheckConstraint('unit_channels_address', sql`channel = 'log' OR address IS NOT NULL`)
    .execute();

  await db.schema
    .createTable('notification_reads')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('notification_id', 'text', (c) => c.notNull().references('notifications.notification_id'))
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull().check(sql`via IN ('web', 'api')`))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('notification_reads_notification')
    .on('notification_reads')
    .columns(['notification_id', 'opened_at'])
    .execute();
  // Who opened a notice is evidence in a "we were never told" dispute: append-only.
  await sql`CREATE FUNCTION notification_reads_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'notification_reads is append-only'; END $$`.execute(db);
  await sql`CREATE TRIGGER notification_reads_no_change BEFORE UPDATE OR DELETE ON notification_reads
    FOR EACH ROW EXECUTE FUNCTION notification_reads_append_only()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_reads').execute();
  await sql`DROP FUNCTION notification_reads_append_only()`.execute(db);
  await db.schema.dropTable('unit_channels').execute();
  await sql`ALTER TABLE notification_attempts
    DROP CONSTRAINT notification_attempts_status,
    DROP COLUMN status, DROP COLUMN channel, DROP COLUMN finished_at`.execute(db);
  await sql`UPDATE notification_attempts SET ok = false WHERE ok IS NULL`.execute(db);
  await sql`ALTER TABLE notification_attempts ALTER COLUMN ok SET NOT NULL`.execute(db);
  await db.schema.dropIndex('notifications_unit').execute();
  await sql`UPDATE notifications SET channel = 'log' WHERE channel IS NULL`.execute(db);
  await sql`UPDATE notifications SET status = 'pending' WHERE status = 'sending'`.execute(db);
  await sql`ALTER TABLE notifications
    DROP CONSTRAINT notifications_status,
    DROP COLUMN project_id, DROP COLUMN milestone_id, DROP COLUMN due_at, DROP COLUMN notice_at,
    DROP COLUMN claimed_until,
    ALTER COLUMN channel SET NOT NULL`.execute(db);
}
