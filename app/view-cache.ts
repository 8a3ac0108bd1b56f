import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';

const gzip = promisify(gzipCallback);

/**
 * How often, at most, a view polled with no new event is recoloured (colours follow the clock):
 * every RECOLOUR_MS, or ten times as long as building it took, so recolouring a large board never
 * takes more than a tenth of the server.
 */
export const RECOLOUR_MS = 2000;

/**
 * What every view depends on: the event log's head and the stuck marks. One index lookup, so each
 * poll checks it and a new event (or a health change) shows at the very next read.
 */
async function versionOf(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ v: string }>`
    SELECT concat_ws('/', (SELECT max(position) FROM events)::text,
                          (SELECT count(*) FROM workflow_health)::text,
                          (SELECT max(checked_at) FROM workflow_health)::text) AS v`.execute(db);
  return rows[0]?.v ?? '';
}

interface Entry<T> {
  version: string;
  computedAt: number;
  /** How long the last build took. */
  buildMs: number;
  value: Promise<T>;
  /** The view as gzipped JSON, made once for every session that polls it. */
  json?: Promise<Buffer>;
  refreshing: boolean;
}

/**
 * The views a page polls, shared by the sessions polling them. Fifty sessions polling the board of
 * a 1,000-project cycle every few seconds would each build the same answer; here it is built once
 * per change of the log (or of the stuck marks), by whichever request sees the change first while
 * the others wait for it. With no new event, the answer is recoloured in the background at most
 * once per RECOLOUR_MS (or ten builds' time) and meanwhile served as last coloured (colours move with plan time only).
 */
export class ViewCache {
  private readonly entries = new Map<string, Entry<unknown>>();

  /** `version` is what the views depend on (the log's head and the stuck marks, see `versionOf`). */
  constructor(
    private readonly version: () => Promise<string>,
    private readonly maxEntries = 500,
    private readonly now: () => number = Date.now,
  ) {}

  static over(db: Kysely<Database>): ViewCache {
    return new ViewCache(() => versionOf(db));
  }

  async get<T>(key: string, build: () => Promise<T>): Promise<T> {
    return (await this.entry(key, build)).value;
  }

  /**
   * The view as gzipped JSON, serialized and compressed once per build: a 1,000-project board is
   * over a megabyte of JSON, about a tenth of it gzipped, and every session polling it gets the same.
   */
  async gzippedJson<T>(key: string, build: () => Promise<T>): Promise<Buffer> {
    const entry = await this.entry(key, build);
    return (entry.json ??= entry.value.then((v) => gzip(JSON.stringify(v))));
  }

  private async entry<T>(key: string, build: () => Promise<T>): Promise<Entry<T>> {
    const version = await this.version();
    const entry = this.entries.get(key) as Entry<T> | undefined;
    if (entry && entry.version === version) {
      const age = this.now() - entry.computedAt;
      if (!entry.refreshing && age >= Math.max(RECOLOUR_MS, 10 * entry.buildMs))
        this.recolour(key, entry, build);
      return entry;
    }
    const fresh: Entry<T> = {
      version,
      computedAt: this.now(),
      buildMs: 0,
      value: build(),
      refreshing: false,
    };
    fresh.value.then(
      () => (fresh.buildMs = this.now() - fresh.computedAt),
      // A failed build is not kept: the next request tries again.
      () => this.entries.get(key) === fresh && this.entries.delete(key),
    );
    this.put(key, fresh);
    return fresh;
  }

  private recolour<T>(key: string, entry: Entry<T>, build: () => Promise<T>): void {
    entry.refreshing = true;
    const startedAt = this.now();
    build().then(
      (value) => {
        if (this.entries.get(key) !== entry) return;
        const now = this.now();
        this.put(key, {
          version: entry.version,
          computedAt: startedAt,
          buildMs: now - startedAt,
          value: Promise.resolve(value),
          refreshing: false,
        });
      },
      () => {
        entry.refreshing = false;
      },
    );
  }

  private put(key: string, entry: Entry<unknown>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    // Least recently built first out: a map keeps insertion order.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
