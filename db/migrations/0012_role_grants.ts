import { sql, type Kysely } from 'kysely';

/*
 * What each role may do with the tables and columns added after the roles were created (0006):
 * the work calendar, the unit directory and read receipts (0008, 0009), the notifier's claim and
 * attempt columns (0009), workflow health (0010), and the plan import the workspace gained. A
 * migration adding a table grants it itself from here on.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const database = rows[0]!.database;
  const role = (suffix: string) => sql.id(`${database}_${suffix}`);
  const reader = role('reader');
  const worker = role('worker');
  const web = role('web');

  await sql`GRANT SELECT ON work_calendar, unit_channels, notification_reads, workflow_health TO ${reader}`.execute(
    db,
  );
  // The notifier claims a notice, records its attempt, then its outcome (worker/notifier.ts).
  await sql`GRANT UPDATE (channel, claimed_until) ON notifications TO ${worker}`.execute(db);
  await sql`GRANT UPDATE (status, ok, detail, finished_at) ON notification_attempts TO ${worker}`.execute(db);
  // The health sweep in every worker keeps workflow_health current.
  await sql`GRANT INSERT, UPDATE, DELETE ON workflow_health TO ${worker}`.execute(db);
  // Opening a notice in the workspace: a read receipt, and the first opening kept on the notice.
  await sql`GRANT INSERT ON notification_reads TO ${web}`.execute(db);
  await sql`GRANT UPDATE (opened_at) ON notifications TO ${web}`.execute(db);
  // 导入规划 in the workspace (督导处 and administrators): a new plan or version, never an edit.
  await sql`GRANT INSERT ON plans, plan_versions, plan_items, units, plan_version_units TO ${web}`.execute(
    db,
  );
  for (const [table, column] of [
    ['notification_reads', 'id'],
    ['plans', 'id'],
    ['plan_versions', 'id'],
    ['plan_items', 'id'],
  ]) {
    const { rows: seq } = await sql<{ seq: string }>`
      SELECT pg_get_serial_sequence(${table}, ${column}) AS seq`.execute(db);
    await sql`GRANT USAGE ON SEQUENCE ${sql.raw(seq[0]!.seq)} TO ${web}`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const database = rows[0]!.database;
  for (const suffix of ['reader', 'worker', 'web']) {
    const r = sql.id(`${database}_${suffix}`);
    await sql`REVOKE ALL ON work_calendar, unit_channels, notification_reads, workflow_health FROM ${r}`.execute(
      db,
    );
  }
}
