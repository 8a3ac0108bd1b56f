import type { Kysely } from 'kysely';
import { connectDatabase } from '../db/connect';
import type { Database } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import type { RecordedEvent } from '../db/event-store';
import {
  modelChecksums,
  rebuildLive,
  type ModelChecksum,
  type ModelComparison,
} from '../db/projections/rebuild';
import { withScratchPostgres } from '../stack/scratch-postgres';

const INSERT_CHUNK = 500;

/**
 * The offline half of the model check: the bundle's events go, as recorded, into a throwaway
 * embedded PostgreSQL; the read models are rebuilt there and compared with the checksums the
 * office's live models had at export.
 */
export async function verifyBundleModels(
  events: RecordedEvent[],
  exported: Record<string, ModelChecksum>,
  cycleId: string | undefined,
): Promise<ModelComparison[]> {
  return withScratchPostgres(async (url) => {
    const handle = connectDatabase(url, 2);
    try {
      await migrateToLatest(handle.db as Kysely<unknown>);
      await insertRecorded(handle.db, events);
      await rebuildLive(handle.db);
      const rebuilt = await modelChecksums(handle.db, 'public', cycleId);
      return Object.entries(exported).map(([name, a]) => {
        const b = rebuilt[name] ?? { rows: 0, checksum: '' };
        return { name, a, b, equal: a.rows === b.rows && a.checksum === b.checksum };
      });
    } finally {
      await handle.close();
    }
  });
}

/** Rows exactly as the log held them: positions, hashes and recording times included. */
async function insertRecorded(db: Kysely<Database>, events: RecordedEvent[]): Promise<void> {
  const sorted = [...events].sort((a, b) => Number(BigInt(a.position) - BigInt(b.position)));
  for (let i = 0; i < sorted.length; i += INSERT_CHUNK) {
    await db
      .insertInto('events')
      .values(
        sorted.slice(i, i + INSERT_CHUNK).map((e) => ({
          position: e.position,
          event_id: e.eventId,
          stream_id: e.streamId,
          seq: e.seq,
          type: e.type,
          schema_version: e.schemaVersion,
          payload: JSON.stringify(e.data),
          actor: JSON.stringify(e.actor),
          occurred_at: e.at,
          cycle_id: e.cycleId,
          project_id: e.projectId,
          milestone_id: e.milestoneId,
          causation_id: e.causationId,
          prev_hash: e.prevHash,
          hash: e.hash,
        })) as never,
      )
      .execute();
  }
}
