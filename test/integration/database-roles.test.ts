import { Client } from 'pg';
import { sql, type Kysely } from 'kysely';
import { actsAsSuperuser, connectDatabase, databaseOf, type DatabaseHandle } from '../../db/connect';
import type { Database } from '../../db/database';
import { appendEvents } from '../../db/event-store';
import { dropRolesStatement, roleName } from '../../db/roles';
import { migrateToLatest } from '../../db/migrate';
import type { DomainEvent } from '../../domain/events';
import { deliverPending, notifierConfig } from '../../worker/notifier';
import { buildReport } from '../../app/reports';
import { createUser, disableUser } from '../../app/identity/users';
import { createApiToken, revokeApiToken } from '../../app/identity/tokens';
import { recordSecurityEvent } from '../../app/identity/audit';
import { freshDatabase, type TestDatabase } from '../support/db';
import { listSigningKeys, registerSigningKey, revokeSigningKey } from '../../db/signing-keys';
import { generateKeyFile } from '../../app/signing';

const reminder = (seq: number): DomainEvent => ({
  eventId: `roles#${seq}`,
  streamId: 'roles',
  seq,
  schemaVersion: 1,
  at: '2017-12-22T08:00:00.000Z',
  actor: { userId: 'dudao', role: 'system', unit: null },
  cycleId: 'c1',
  projectId: 'p1',
  milestoneId: 'p1/2017',
  causationId: 'timer',
  type: 'ReminderSent',
  data: {
    milestoneId: 'p1/2017',
    assignmentId: 'p1/2017/lead',
    unit: '基教处',
    dueAt: '2017-12-29T09:00:00.000Z',
    leadTime: '7天',
    notificationId: `roles-n${seq}`,
  },
});

const errorCode = async (attempt: Promise<unknown>): Promise<string | undefined> =>
  attempt.then(
    () => 'succeeded',
    (err: { code?: string }) => err.code,
  );
/** 42501: insufficient_privilege (no grant, not the owner, or the append-only trigger). */
const PERMISSION_DENIED = '42501';

/** Everything in the tables a forbidden attempt could touch, to show it changed nothing. */
const snapshot = async (db: Kysely<Database>) => ({
  events: await db.selectFrom('events').selectAll().orderBy('position').execute(),
  notifications: await db.selectFrom('notifications').selectAll().orderBy('notification_id').execute(),
  notices: await db.selectFrom('notices').selectAll().execute(),
  security: await db.selectFrom('security_events').selectAll().orderBy('id').execute(),
  users: await db.selectFrom('users').selectAll().orderBy('id').execute(),
  signingKeys: await db.selectFrom('signing_keys').selectAll().orderBy('key_id').execute(),
  triggers: (
    await sql<{ tgname: string; tgenabled: string }>`
      SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`.execute(db)
  ).rows,
});

describe('least-privilege database roles', () => {
  let t: TestDatabase;
  let worker: DatabaseHandle;
  let web: DatabaseHandle;
  let reader: DatabaseHandle;
  let owner: DatabaseHandle;
  beforeAll(async () => {
    t = await freshDatabase();
    worker = connectDatabase(t.url, 2, 'worker');
    web = connectDatabase(t.url, 2, 'web');
    reader = connectDatabase(t.url, 2, 'reader');
    owner = connectDatabase(t.url, 2, 'owner');
    // As the running system leaves it: a log with a notice in its outbox, an account, an audit row.
    await appendEvents(worker.db, [reminder(1), reminder(2)]);
    for (const username of ['zhang', 'wang'])
      await createUser(
        web.db,
        { username, displayName: username, role: 'unit_staff', unit: '基教处', password: 'correct-horse-1' },
        'test',
      );
  });
  afterAll(async () => {
    for (const h of [worker, web, reader, owner]) await h.close();
    await t.drop();
  });

  /** Runs the attempt and expects a permission error that leaves every table as it was. */
  const refused = async (attempt: () => Promise<unknown>) => {
    const before = await snapshot(t.db);
    expect(await errorCode(attempt())).toBe(PERMISSION_DENIED);
    expect(await snapshot(t.db)).toEqual(before);
  };

  it('each process role is its own, none is a superuser, and the owner owns every table', async () => {
    const database = databaseOf(t.url);
    for (const [handle, role] of [
      [worker, 'worker'],
      [web, 'web'],
      [reader, 'reader'],
    ] as const) {
      const { rows } = await sql<{ me: string }>`SELECT current_user AS me`.execute(handle.db);
      expect(rows[0]!.me).toBe(roleName(database, role));
      expect(await actsAsSuperuser(handle.db)).toBe(false);
    }
    const { rows } = await sql<{ tablename: string; tableowner: string }>`
      SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'`.execute(t.db);
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.filter((r) => r.tableowner !== roleName(database, 'owner'))).toEqual([]);
  });

  describe('the worker', () => {
    it('appends to the log, writes the outbox and the read models, and delivers notices', async () => {
      await appendEvents(worker.db, [reminder(3)]);
      expect(await deliverPending(worker.db, notifierConfig({ write: () => undefined }))).toBe(3);
      const delivered = await t.db.selectFrom('notifications').select('status').execute();
      expect(delivered.map((n) => n.status)).toEqual(['delivered', 'delivered', 'delivered']);
      expect(
        await t.db
          .selectFrom('notices')
          .select(({ fn }) => fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      ).toEqual({ n: '3' });
    });

    it('can never change or remove the log, nor switch its protection off', async () => {
      await refused(() => sql`UPDATE events SET payload = '{}'`.execute(worker.db));
      await refused(() => sql`DELETE FROM events`.execute(worker.db));
      await refused(() => sql`TRUNCATE events`.execute(worker.db));
      await refused(() => sql`ALTER TABLE events DISABLE TRIGGER events_append_only`.execute(worker.db));
      await refused(() => sql`SET session_replication_role = replica`.execute(worker.db));
      await refused(() => sql`DROP TRIGGER events_append_only ON events`.execute(worker.db));
    });

    it('may only mark deliveries, not rewrite what a notice says, and reads no identity', async () => {
      await refused(() => sql`UPDATE notifications SET body = 'x'`.execute(worker.db));
      await refused(() => sql`DELETE FROM notifications`.execute(worker.db));
      await refused(() => sql`DELETE FROM notices`.execute(worker.db));
      await refused(() => worker.db.selectFrom('users').selectAll().execute());
      await refused(() => worker.db.selectFrom('security_events').selectAll().execute());
      await refused(() => recordSecurityEvent(worker.db, 'user_created', { username: 'mallory' }));
    });

    it('reads the command-signing keys it verifies with, and can neither add, revoke nor remove one', async () => {
      const { publicKey } = generateKeyFile('operator', '已登记');
      await registerSigningKey(owner.db, {
        keyId: 'k-registered',
        publicKey,
        kind: 'operator',
        label: '已登记',
      });
      expect((await listSigningKeys(worker.db)).map((k) => k.key_id)).toEqual(['k-registered']);
      const forged = { keyId: 'k-mallory', publicKey, kind: 'service' as const, label: '伪造' };
      for (const db of [worker.db, web.db, reader.db]) await refused(() => registerSigningKey(db, forged));
      for (const db of [worker.db, web.db]) {
        await refused(() => revokeSigningKey(db, 'k-registered'));
        await refused(() => sql`DELETE FROM signing_keys`.execute(db));
        await refused(() => sql`UPDATE signing_keys SET public_key = 'x'`.execute(db));
      }
      await refused(() => reader.db.selectFrom('signing_keys').selectAll().execute());
    });
  });

  describe('the reader', () => {
    it('builds reports from the log, the read models and the delivery record', async () => {
      const notices = await buildReport(reader.db, 'notices', undefined, 'csv');
      expect(notices.content.toString()).toMatch('基教处');
      await buildReport(reader.db, 'units', undefined, 'csv');
    });

    it('writes nothing and reads no identity', async () => {
      await refused(() => appendEvents(reader.db, [reminder(4)]));
      await refused(() => sql`UPDATE notices SET unit = 'x'`.execute(reader.db));
      await refused(() => sql`UPDATE notifications SET status = 'failed'`.execute(reader.db));
      await refused(() => reader.db.selectFrom('users').selectAll().execute());
      await refused(() => reader.db.selectFrom('sessions').selectAll().execute());
    });
  });

  describe('the web server', () => {
    it('administers accounts and tokens, and reads what the API shows', async () => {
      const { id } = await createApiToken(web.db, 'zhang', '脚本', 'admin');
      await revokeApiToken(web.db, id, 'admin');
      await disableUser(web.db, 'zhang', 'admin');
      const kinds = await t.db.selectFrom('security_events').select('kind').orderBy('id').execute();
      expect(kinds.map((k) => k.kind)).toEqual([
        'user_created',
        'user_created',
        'token_created',
        'token_revoked',
        'user_disabled',
      ]);
      expect(await web.db.selectFrom('events').select('position').execute()).toHaveLength(3);
    });

    it('cannot write the log, nor edit or erase the security audit', async () => {
      await refused(() => appendEvents(web.db, [reminder(4)]));
      await refused(() => sql`UPDATE security_events SET kind = 'x'`.execute(web.db));
      await refused(() => sql`DELETE FROM security_events`.execute(web.db));
      await refused(() => sql`TRUNCATE security_events`.execute(web.db));
      await refused(() => sql`UPDATE users SET username = 'root'`.execute(web.db));
    });
  });

  it('even the owner cannot change or erase the log or the security audit: the triggers refuse', async () => {
    for (const statement of [
      sql`UPDATE events SET payload = '{}'`,
      sql`DELETE FROM events`,
      sql`TRUNCATE events`,
      sql`UPDATE security_events SET kind = 'x'`,
      sql`DELETE FROM security_events`,
      sql`TRUNCATE security_events`,
    ])
      await refused(() => statement.execute(owner.db));
  });

  it('an administrative change commits with its security record or not at all', async () => {
    // The audit insert fails (as a full disk or a dropped connection would): the change must not stay.
    await sql`CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit unavailable'; END $$`.execute(t.db);
    await sql`CREATE TRIGGER fail_audit BEFORE INSERT ON security_events
      FOR EACH ROW EXECUTE FUNCTION fail_audit()`.execute(t.db);
    try {
      const users = await t.db.selectFrom('users').selectAll().orderBy('id').execute();
      const tokens = await t.db.selectFrom('api_tokens').selectAll().orderBy('id').execute();
      await expect(
        createUser(
          web.db,
          {
            username: 'li',
            displayName: '李四',
            role: 'inspector',
            unit: '督导处',
            password: 'correct-horse-2',
          },
          'admin',
        ),
      ).rejects.toThrow('audit unavailable');
      await expect(createApiToken(web.db, 'wang', '脚本', 'admin')).rejects.toThrow('audit unavailable');
      await expect(disableUser(web.db, 'wang', 'admin')).rejects.toThrow('audit unavailable');
      expect(await t.db.selectFrom('users').selectAll().orderBy('id').execute()).toEqual(users);
      expect(await t.db.selectFrom('api_tokens').selectAll().orderBy('id').execute()).toEqual(tokens);
    } finally {
      await sql`DROP TRIGGER fail_audit ON security_events`.execute(t.db);
      await sql`DROP FUNCTION fail_audit()`.execute(t.db);
    }
  });

  it('a non-superuser login that owns the database and may create roles migrates, as a deployment runs it', async () => {
    // The deployments' way (deploy/postgres/init.sh): an owner login that is no superuser.
    const name = `${databaseOf(t.url)}_nonsuper`;
    const server = new URL(t.url);
    server.pathname = '/postgres';
    const admin = new Client({ connectionString: server.toString() });
    await admin.connect();
    await admin.query(`CREATE ROLE ${name} LOGIN CREATEROLE PASSWORD 'owner-pw'`);
    await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
    const login = new URL(t.url);
    login.username = name;
    login.password = 'owner-pw';
    login.pathname = `/${name}`;
    const handle = connectDatabase(login.toString(), 2);
    try {
      await migrateToLatest(handle.db as Kysely<unknown>);
      const { rows } = await sql<{ owner: string }>`
        SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'public'`.execute(handle.db);
      expect(rows).toEqual([{ owner: roleName(name, 'owner') }]);
      expect(await actsAsSuperuser(handle.db)).toBe(false);
      const worker = connectDatabase(login.toString(), 1, 'worker');
      await appendEvents(worker.db, [reminder(1)]);
      expect(await errorCode(sql`DELETE FROM events`.execute(worker.db))).toBe(PERMISSION_DENIED);
      await worker.close();
    } finally {
      await handle.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(dropRolesStatement(name));
      await admin.query(`DROP ROLE IF EXISTS ${name}`);
      await admin.end();
    }
  });
});
