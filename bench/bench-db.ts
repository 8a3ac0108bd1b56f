import { Client } from 'pg';
import { sql, type Kysely } from 'kysely';
import { connectDatabase, type DatabaseHandle } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { dropRolesStatement } from '../db/roles';
import { chainHash, GENESIS_HASH } from '../db/event-store';
import type { DomainEvent } from '../domain/events';

/** A dedicated, migrated database for one bench run on BENCH_DATABASE_URL's server, dropped after. */
export async function withBenchDatabase<T>(
  name: string,
  body: (handle: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const server = new URL(
    process.env.BENCH_DATABASE_URL ??
      process.env.DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
  );
  server.pathname = '/postgres';
  const database = `dudao_bench_${name}_${Date.now().toString(36)}`;
  await admin(server.toString(), `CREATE DATABASE ${database}`);
  const url = new URL(server);
  url.pathname = `/${database}`;
  const handle = connectDatabase(url.toString(), 4);
  try {
    await migrateToLatest(handle.db as Kysely<unknown>);
    return await body(handle);
  } finally {
    await handle.close();
    await admin(server.toString(), `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin(server.toString(), dropRolesStatement(database));
  }
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Events as rows of the events table, hash-chained per stream as appendEvents would chain them. */
export function eventRows(events: readonly DomainEvent[]): Record<string, unknown>[] {
  const last = new Map<string, string>();
  return events.map((e) => {
    const prevHash = last.get(e.streamId) ?? GENESIS_HASH;
    const hash = chainHash(prevHash, e);
    last.set(e.streamId, hash);
    return {
      event_id: e.eventId,
      stream_id: e.streamId,
      seq: e.seq,
      type: e.type,
      schema_version: e.schemaVersion,
      payload: e.data,
      actor: e.actor,
      occurred_at: e.at,
      cycle_id: e.cycleId,
      project_id: e.projectId,
      milestone_id: e.milestoneId,
      causation_id: e.causationId,
      prev_hash: prevHash,
      hash,
    };
  });
}

/** One multi-row INSERT through a single JSON parameter: the plain baseline and the bulk loader. */
export async function insertRows(
  handle: DatabaseHandle,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  await sql`
    INSERT INTO ${sql.table(table)} (event_id, stream_id, seq, type, schema_version, payload, actor, occurred_at,
                                     cycle_id, project_id, milestone_id, causation_id, prev_hash, hash)
    SELECT event_id, stream_id, seq, type, schema_version, payload, actor, occurred_at,
           cycle_id, project_id, milestone_id, causation_id, prev_hash, hash
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
      event_id text, stream_id text, seq int, type text, schema_version int, payload jsonb, actor jsonb,
      occurred_at timestamptz, cycle_id text, project_id text, milestone_id text, causation_id text,
      prev_hash text, hash text)`.execute(handle.db);
}
