import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { freshDatabase, type TestDatabase } from '../support/db';
import { appendInOrder, demoCycle } from '../support/event-builder';

type Row = Record<string, unknown>;
const KEY = ['cycle_id', 'project_id'];

/** Writes whole rows of `projects` through `dudao_append` alone (no events), as the event store sends them. */
async function writeRows(conn: Kysely<Database>, rows: Row[]): Promise<string> {
  const columns = Object.keys(rows[0]!).filter((c) => !KEY.includes(c));
  const write = { table: 'projects', key: KEY, columns, rows };
  await sql`SELECT dudao_append('{}'::text[], '[]'::jsonb, '[]'::jsonb, ${JSON.stringify([write])}::jsonb, '[]'::jsonb)`.execute(
    conn,
  );
  // How this session writes the shape from now on (migration 0130): a statement of the function's
  // own, or a prepared one; named as the function names it.
  const { rows: how } = await sql<{ how: string | null }>`
    SELECT current_setting('dudao.dudao_write_' || md5(concat_ws('|', w ? 'rows', w->>'table', w->>'key', w->>'columns')), true) AS how
    FROM (SELECT ${JSON.stringify(write)}::jsonb AS w) AS s`.execute(conn);
  return how[0]!.how ?? '';
}

describe('whole-row read-model writes of dudao_append', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
    await appendInOrder(t.db, demoCycle().events);
  });
  afterAll(async () => t.drop());

  const project = async (conn: Kysely<Database>): Promise<Row> => {
    const { rows } = await sql<{ row: Row }>`
      SELECT to_jsonb(p) AS row FROM projects p WHERE project_id = 'p1'`.execute(conn);
    return rows[0]!.row;
  };

  it('replace the row when they carry every column of the table', async () => {
    await t.db.connection().execute(async (conn) => {
      const row = await project(conn);
      expect(await writeRows(conn, [{ ...row, title: '改过的标题' }])).toBe('static-0130');
      expect((await project(conn)).title).toBe('改过的标题');
    });
  });

  it('leave the columns a write does not name as they are, as the prepared statements always did', async () => {
    await t.db.connection().execute(async (conn) => {
      // A column left out is inserted as NULL (so only a nullable one can be) and kept on update.
      const { rag_rule: rule, ...withoutRule } = await project(conn);
      expect(rule).not.toBeNull();
      expect(await writeRows(conn, [{ ...withoutRule, section: '另一节' }])).toBe('prepared');
      const after = await project(conn);
      expect(after.section).toBe('另一节');
      expect(after.rag_rule).toBe(rule);
    });
  });
});
