import { Pool } from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { migrateToLatest } from '../../db/migrate';
import { freshDatabase, type TestDatabase } from '../support/db';

// freshDatabase migrates an empty database: the migrator's own path, which every other test
// relies on. These are the questions every later process asks of a database already migrated.
describe('migrating a database already migrated', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await freshDatabase();
  });
  afterAll(() => test.drop());

  it('asks it one question and changes nothing', async () => {
    const statements: string[] = [];
    const db = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new Pool({ connectionString: test.url, max: 1 }) }),
      log: (event) => {
        statements.push(event.query.sql);
      },
    });
    try {
      expect(await migrateToLatest(db)).toEqual({ results: [] });
      expect(statements).toEqual(['SELECT name FROM kysely_migration']);
    } finally {
      await db.destroy();
    }
  });

  it('leaves one that ran a migration this code does not have to the migrator, which refuses it', async () => {
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_a_newer_release', '2026-12-02T00:00:00.000Z')`.execute(
      test.db,
    );
    try {
      await expect(migrateToLatest(test.db as Kysely<unknown>)).rejects.toThrow(/9999_from_a_newer_release/);
    } finally {
      await sql`DELETE FROM kysely_migration WHERE name = '9999_from_a_newer_release'`.execute(test.db);
    }
  });
});
