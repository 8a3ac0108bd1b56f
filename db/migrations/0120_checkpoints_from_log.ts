import { sql, type Kysely } from 'kysely';
import { up as appendCachedPlans } from './0100_append_cached_plans';

/**
 * `dudao_append` (migration 0100) with the same arguments and checks, writing less per call:
 *
 *  - Checkpoints. Every append used to update every live model's checkpoint row (13 rows, 13 WAL
 *    records a call). While any transaction on the server holds back the xmin horizon (a long
 *    rebuild, a report), none of those versions can be pruned, so the table grows by about a page
 *    every eight appends and each append's UPDATE reads all of it again: appends slowed down
 *    without bound (3 ms of server time a call after 3,000 calls, measured). Appends now write no
 *    checkpoint: a live model's rows reflect every committed event (the append writes them in the
 *    event's own transaction), so its checkpoint is the log's head once anything was appended
 *    after its row was written. The row keeps the position it was built to and the log's head at
 *    that moment (`log_head`, filled by the column's default, so the rebuild's inserts need no
 *    change); checkpointOf (db/projections/read-model.ts) gives the head when the log has grown
 *    past `log_head`, else `position`: the same figures as before, also right after a live
 *    rebuild up to an earlier position. (A live rebuild holds appends off, so every event
 *    appended after it has a higher position than the head it saw.)
 *  - Prepared write statements. Whether a shape is already PREPAREd in this session is now a
 *    session setting set when it is prepared, looked up before pg_prepared_statements (which
 *    builds a row for every prepared statement of the session, four times per append). The
 *    setting is undone with a failed transaction while the statement stays: then the catalog is
 *    asked again, as before. (DISCARD ALL drops both; a bare DEALLOCATE ALL on a connection that
 *    appends would leave the setting without its statement: nothing here issues one.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION dudao_log_head() RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT coalesce(max(position), 0) FROM events $$`.execute(db);
  await sql`
    ALTER TABLE projection_checkpoints ADD COLUMN log_head bigint NOT NULL DEFAULT dudao_log_head()`.execute(
    db,
  );

  await sql`
    CREATE OR REPLACE FUNCTION dudao_append(p_locks text[], p_calls jsonb, p_outbox jsonb, p_writes jsonb, p_models jsonb)
    RETURNS jsonb LANGUAGE plpgsql
    -- The planner cannot see how few rows a jsonb argument holds; compiling for "many" costs more
    -- than the whole statement.
    SET jit = off
    AS $fn$
    DECLARE
      w jsonb;
      stale jsonb;
      top bigint;
      shape text;
      stmt text;
    BEGIN
      -- Streams and shared read-model scopes, locked in the caller's one global order: no deadlock.
      PERFORM pg_advisory_xact_lock(hashtextextended(l.k, 0))
      FROM unnest(p_locks) WITH ORDINALITY AS l(k, i) ORDER BY l.i;

      -- A call holds its events from "fresh" on as new, the ones before as recorded: the log must
      -- agree (recorded ones identical, new ones absent, the first new one chained to its
      -- predecessor), else the caller's view of that stream is stale and nothing at all is written.
      -- (Scalar subqueries, so each is one index lookup whatever the size of the log.)
      SELECT coalesce(jsonb_agg(DISTINCT q.i - 1), '[]') INTO stale
      FROM (
        SELECT c.i, x.seq, x.hash, x.prev_hash, (c.call->>'fresh')::int AS fresh,
               (SELECT e.hash FROM events e WHERE e.stream_id = c.call->>'stream' AND e.seq = x.seq) AS recorded,
               CASE WHEN x.seq = (c.call->>'fresh')::int AND x.seq > 1 THEN
                 (SELECT e.hash FROM events e WHERE e.stream_id = c.call->>'stream' AND e.seq = x.seq - 1)
               END AS before
        FROM jsonb_array_elements(p_calls) WITH ORDINALITY AS c(call, i)
        CROSS JOIN LATERAL jsonb_to_recordset(c.call->'events') AS x(seq int, hash text, prev_hash text)
      ) AS q
      WHERE CASE WHEN q.seq < q.fresh THEN q.recorded IS DISTINCT FROM q.hash
                 ELSE q.recorded IS NOT NULL
                      OR (q.seq = q.fresh AND q.seq > 1 AND q.before IS DISTINCT FROM q.prev_hash)
            END;
      IF stale <> '[]'::jsonb THEN
        RETURN jsonb_build_object('stale', stale);
      END IF;

      WITH inserted AS (
        INSERT INTO events (event_id, stream_id, seq, type, schema_version, payload, actor, occurred_at,
                            cycle_id, project_id, milestone_id, causation_id, prev_hash, hash)
        SELECT x.event_id, x.stream_id, x.seq, x.type, x.schema_version, x.payload, x.actor, x.occurred_at,
               x.cycle_id, x.project_id, x.milestone_id, x.causation_id, x.prev_hash, x.hash
        FROM jsonb_array_elements(p_calls) WITH ORDINALITY AS c(call, i)
        CROSS JOIN LATERAL jsonb_to_recordset(c.call->'events') AS x(
          event_id text, stream_id text, seq int, type text, schema_version int, payload jsonb, actor jsonb,
          occurred_at timestamptz, cycle_id text, project_id text, milestone_id text, causation_id text,
          prev_hash text, hash text)
        WHERE x.seq >= (c.call->>'fresh')::int
        ORDER BY c.i, x.seq
        RETURNING position)
      SELECT max(position) INTO top FROM inserted;

      -- Outbox rows carry the columns the outbox writer fills (db/notification-outbox.ts); the
      -- others keep their defaults. A notice whose id an earlier notice of another event holds (runs
      -- recorded before notice ids named the unit) is kept under '<id>@<event id>' (noticeIdFor).
      IF jsonb_array_length(p_outbox) > 0 THEN
        p_outbox := (
          SELECT jsonb_agg(CASE WHEN o.taken THEN
                   jsonb_set(o.row, '{notification_id}', to_jsonb((o.row->>'notification_id') || '@' || (o.row->>'event_id')))
                 ELSE o.row END ORDER BY o.i)
          FROM (
            SELECT r.value AS row, r.i,
                   EXISTS (SELECT 1 FROM notifications n
                           WHERE n.notification_id = r.value->>'notification_id' AND n.event_id <> r.value->>'event_id')
                   OR row_number() OVER (PARTITION BY r.value->>'notification_id' ORDER BY r.i) > 1 AS taken
            FROM jsonb_array_elements(p_outbox) WITH ORDINALITY AS r(value, i)
          ) AS o);
        shape := 'dudao_outbox_' || md5(array_to_string(ARRAY(SELECT jsonb_object_keys(p_outbox->0)), ','));
        IF current_setting('dudao.' || shape, true) IS DISTINCT FROM 'prepared' THEN
          IF NOT EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = shape) THEN
            EXECUTE format(
              'PREPARE %I(jsonb) AS INSERT INTO notifications (%2$s) '
              'SELECT %2$s FROM jsonb_populate_recordset(NULL::notifications, $1) ON CONFLICT DO NOTHING',
              shape,
              (SELECT string_agg(format('%I', ok.col), ', ') FROM jsonb_object_keys(p_outbox->0) AS ok(col)));
          END IF;
          PERFORM set_config('dudao.' || shape, 'prepared', false);
        END IF;
        EXECUTE format('EXECUTE %I(%L::jsonb)', shape, p_outbox);
      END IF;

      FOR w IN SELECT value FROM jsonb_array_elements(p_writes) LOOP
        -- One prepared statement per shape of write; its name is a digest of the shape.
        shape := 'dudao_write_' || md5(concat_ws('|', w ? 'rows', w->>'table', w->>'key', w->>'columns'));
        IF current_setting('dudao.' || shape, true) IS DISTINCT FROM 'prepared' THEN
          IF NOT EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = shape) THEN
            IF w ? 'rows' THEN
              -- Whole rows: inserted, or replacing the row of the same key.
              stmt := format(
                'INSERT INTO %I SELECT * FROM jsonb_populate_recordset(NULL::%I, $1) ON CONFLICT (%s) DO UPDATE SET %s',
                w->>'table', w->>'table',
                (SELECT string_agg(format('%I', c), ', ') FROM jsonb_array_elements_text(w->'key') AS c),
                (SELECT string_agg(format('%I = EXCLUDED.%I', c, c), ', ') FROM jsonb_array_elements_text(w->'columns') AS c));
            ELSE
              -- Patches of shared rows: "set" columns replaced, "inc" columns added to what is there.
              stmt := format(
                'UPDATE %I AS t SET (%s) = (SELECT %s FROM jsonb_populate_record(t, p.value->''set'' || '
                '(SELECT coalesce(jsonb_object_agg(i.key, (to_jsonb(t)->>i.key)::numeric + i.value::numeric), ''{}'') '
                'FROM jsonb_each_text(p.value->''inc'') AS i)) AS r) FROM jsonb_array_elements($1) AS p WHERE %s',
                w->>'table',
                (SELECT string_agg(format('%I', c), ', ') FROM jsonb_array_elements_text(w->'columns') AS c),
                (SELECT string_agg(format('r.%I', c), ', ') FROM jsonb_array_elements_text(w->'columns') AS c),
                (SELECT string_agg(format('t.%I = (jsonb_populate_record(NULL::%I, p.value->''key'')).%I', c, w->>'table', c), ' AND ')
                 FROM jsonb_array_elements_text(w->'key') AS c));
            END IF;
            EXECUTE format('PREPARE %I(jsonb) AS %s', shape, stmt);
          END IF;
          PERFORM set_config('dudao.' || shape, 'prepared', false);
        END IF;
        EXECUTE format('EXECUTE %I(%L::jsonb)', shape, coalesce(w->'rows', w->'patches'));
      END LOOP;

      -- A model without a checkpoint yet gets one, at this append (see checkpointOf). The version
      -- stays the one the rows were first built with: only a rebuild (which starts the checkpoint
      -- afresh) makes rows of an older projection version current again.
      IF top IS NOT NULL
         AND (SELECT count(*) FROM projection_checkpoints
              WHERE name IN (SELECT m->>'name' FROM jsonb_array_elements(p_models) AS m)) < jsonb_array_length(p_models) THEN
        INSERT INTO projection_checkpoints (name, version, position)
        SELECT m.name, m.version, top FROM jsonb_to_recordset(p_models) AS m(name text, version int)
        ON CONFLICT (name) DO NOTHING;
      END IF;
      RETURN jsonb_build_object('stale', '[]'::jsonb);
    END
    $fn$`.execute(db);
}

/** Back to migration 0100's function, each live model's row holding its checkpoint again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await appendCachedPlans(db);
  await sql`
    UPDATE projection_checkpoints SET position = GREATEST(position, dudao_log_head())
    WHERE dudao_log_head() > log_head`.execute(db);
  await sql`ALTER TABLE projection_checkpoints DROP COLUMN log_head`.execute(db);
  await sql`DROP FUNCTION dudao_log_head()`.execute(db);
}
