import { sql, type Kysely } from 'kysely';

/*
 * Least-privilege roles. PostgreSQL roles are cluster-wide, so each is named after this database
 * (`<db>_owner`, `<db>_worker`, `<db>_web`, `<db>_reader`): two dudao databases on one server
 * never share a role. The roles cannot log in; a process takes one with `SET ROLE` (the `role`
 * connection option) from its login, or an operator gives a role a password (README).
 *
 * - owner: owns every table and runs later migrations (DDL); the only role that can disable a
 *   trigger, so no running process uses it.
 * - reader: SELECT on the log, the plans, the read models and the notifier's tables: reports,
 *   audits and the API's reads. Never the identity tables.
 * - worker: reader, plus INSERT into the log and the outbox, the notifier's delivery updates, and
 *   writing the read models. Never UPDATE, DELETE or TRUNCATE of the log.
 * - web: reader, plus the identity tables (sign-in, sessions, tokens, accounts) and appending to
 *   security_events.
 *
 * Frozen in time like every migration: the table lists are the tables as of 0005.
 */

const readModels = [
  'projection_checkpoints',
  'cycles',
  'projects',
  'milestones',
  'assignments',
  'submissions',
  'notices',
  'extension_requests',
  'target_progress',
  'unit_score_lines',
];
const readable = [
  'events',
  'notifications',
  'notification_attempts',
  'plans',
  'plan_versions',
  'plan_items',
  'units',
  'plan_version_units',
  'kysely_migration',
  ...readModels,
];
const identity = ['users', 'sessions', 'api_tokens', 'security_events'];
const owned = [...readable, 'kysely_migration_lock', ...identity];

const ids = (names: string[]) => sql.join(names.map((n) => sql.id(n)));

// Migrations take Kysely<any> so they stay frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ database: string; superuser: boolean; me: string }>`
    SELECT current_database() AS database, current_user AS me,
           (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`.execute(db);
  const { database, superuser, me } = rows[0]!;
  if (Buffer.byteLength(database) > 63 - '_reader'.length)
    throw new Error(`数据库名“${database}”过长：角色名为“<数据库名>_reader”等，须不超过 63 字节`);
  const role = {
    owner: sql.id(`${database}_owner`),
    worker: sql.id(`${database}_worker`),
    web: sql.id(`${database}_web`),
    reader: sql.id(`${database}_reader`),
  };

  for (const suffix of ['owner', 'worker', 'web', 'reader']) {
    const name = `${database}_${suffix}`;
    const exists = await sql`SELECT 1 FROM pg_roles WHERE rolname = ${name}`.execute(db);
    // A database dropped and created again under the same name finds its roles still there.
    if (exists.rows.length === 0) await sql`CREATE ROLE ${sql.id(name)} NOLOGIN`.execute(db);
  }
  // The migrating login must be able to hand its objects to the owner and to act as each role.
  if (!superuser) await sql`GRANT ${role.owner} TO ${sql.id(me)}`.execute(db);
  await sql`GRANT ${role.worker}, ${role.web}, ${role.reader} TO ${role.owner}`.execute(db);
  await sql`GRANT ${role.reader} TO ${role.worker}, ${role.web}`.execute(db);

  await sql`GRANT CONNECT, TEMPORARY ON DATABASE ${sql.id(database)} TO ${role.reader}`.execute(db);
  // Scratch schemas of rebuilds and audits are the owner's.
  await sql`GRANT CREATE ON DATABASE ${sql.id(database)} TO ${role.owner}`.execute(db);
  await sql`GRANT USAGE, CREATE ON SCHEMA public TO ${role.owner}`.execute(db);
  await sql`GRANT USAGE ON SCHEMA public TO ${role.reader}`.execute(db);
  // Before PostgreSQL 15 every role may create objects in public; none of dudao's may.
  // (A login that does not own the schema cannot revoke it: then it stays as the server has it.)
  await sql`DO $$ BEGIN REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    EXCEPTION WHEN insufficient_privilege THEN NULL; END $$`.execute(db);

  for (const table of owned) await sql`ALTER TABLE ${sql.id(table)} OWNER TO ${role.owner}`.execute(db);
  for (const fn of ['dudao_events_append_only', 'security_events_append_only'])
    await sql`ALTER FUNCTION ${sql.id(fn)}() OWNER TO ${role.owner}`.execute(db);

  await sql`GRANT SELECT ON ${ids(readable)} TO ${role.reader}`.execute(db);

  await sql`GRANT INSERT ON events, notifications, notification_attempts TO ${role.worker}`.execute(db);
  await sql`GRANT UPDATE (status, attempts, next_attempt_at, delivered_at) ON notifications TO ${role.worker}`.execute(
    db,
  );
  // Projections upsert (INSERT … ON CONFLICT DO UPDATE); nothing on the live path deletes a row.
  await sql`GRANT INSERT, UPDATE ON ${ids(readModels)} TO ${role.worker}`.execute(db);
  await grantSequences(db, role.worker, [
    ['events', 'position'],
    ['notification_attempts', 'id'],
  ]);

  await sql`GRANT SELECT, INSERT, UPDATE (display_name, role, unit, password_hash, disabled) ON users TO ${role.web}`.execute(
    db,
  );
  await sql`GRANT SELECT, INSERT, DELETE ON sessions TO ${role.web}`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE (revoked_at) ON api_tokens TO ${role.web}`.execute(db);
  await sql`GRANT SELECT, INSERT ON security_events TO ${role.web}`.execute(db);
  await grantSequences(db, role.web, [
    ['users', 'id'],
    ['api_tokens', 'id'],
    ['security_events', 'id'],
  ]);

  // security_events is append-only like the log, TRUNCATE included, and says so with the same code.
  await sql`CREATE OR REPLACE FUNCTION security_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'dudao: security_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`CREATE TRIGGER security_events_no_truncate BEFORE TRUNCATE ON security_events
    FOR EACH STATEMENT EXECUTE FUNCTION security_events_append_only()`.execute(db);
}

async function grantSequences(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  role: ReturnType<typeof sql.id>,
  columns: [table: string, column: string][],
): Promise<void> {
  for (const [table, column] of columns) {
    const { rows } = await sql<{
      seq: string;
    }>`SELECT pg_get_serial_sequence(${table}, ${column}) AS seq`.execute(db);
    await sql`GRANT USAGE ON SEQUENCE ${sql.raw(rows[0]!.seq)} TO ${role}`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS security_events_no_truncate ON security_events`.execute(db);
  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const { database } = rows[0]!;
  for (const table of owned) await sql`ALTER TABLE ${sql.id(table)} OWNER TO CURRENT_USER`.execute(db);
  for (const fn of ['dudao_events_append_only', 'security_events_append_only'])
    await sql`ALTER FUNCTION ${sql.id(fn)}() OWNER TO CURRENT_USER`.execute(db);
  for (const suffix of ['worker', 'web', 'reader', 'owner']) {
    const name = sql.id(`${database}_${suffix}`);
    await sql`DROP OWNED BY ${name}`.execute(db);
    await sql`DROP ROLE ${name}`.execute(db);
  }
}
