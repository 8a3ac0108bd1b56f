import { sql, type Kysely } from 'kysely';

/**
 * One round trip per append: `dudao_append` checks and writes a group of calls (one stream each)
 * in the caller's single statement. The caller (db/event-store.ts) has already folded the read
 * models in TypeScript and hash-chained the events; the function only checks that the log is where
 * the caller believes each stream to be, and writes the events, the notification outbox, the
 * read-model rows and the checkpoints set-wise. Table and column names come from the read-model
 * definitions and are quoted with %I. Also: milestones keep their position in the plan, so a tie
 * between equally coloured milestones always goes to the same one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE milestones ADD COLUMN ordinal integer NOT NULL DEFAULT 0`.execute(db);
  await createAppendFunction(db);
}

/** This migration's `dudao_append`, also what migration 0100 goes back to. */
export async function createAppendFunction(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION dudao_append(p_locks text[], p_calls jsonb, p_outbox jsonb, p_writes jsonb, p_models jsonb)
    RETURNS jsonb LANGUAGE plpgsql
    -- The planner cannot see how few rows a jsonb argument holds; compiling for "many" costs more
    -- than the whole statement.
    SET jit = off
    AS $fn$
    DECLARE
      k text;
      w jsonb;
      stale jsonb;
      top bigint;
    BEGIN
      -- Streams and shared read-model scopes, locked in the caller's one global order: no deadlock.
      FOREACH k IN ARRAY p_locks LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended(k, 0));
      END LOOP;

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
        EXECUTE format(
          'INSERT INTO notifications (%1$s) SELECT %1$s FROM jsonb_populate_recordset(NULL::notifications, $1) '
          'ON CONFLICT DO NOTHING',
          (SELECT string_agg(format('%I', ok.col), ', ') FROM jsonb_object_keys(p_outbox->0) AS ok(col)))
        USING p_outbox;
      END IF;

      FOR w IN SELECT value FROM jsonb_array_elements(p_writes) LOOP
        IF w ? 'rows' THEN
          -- Whole rows: inserted, or replacing the row of the same key.
          EXECUTE format(
            'INSERT INTO %I SELECT * FROM jsonb_populate_recordset(NULL::%I, $1) ON CONFLICT (%s) DO UPDATE SET %s',
            w->>'table', w->>'table',
            (SELECT string_agg(format('%I', c), ', ') FROM jsonb_array_elements_text(w->'key') AS c),
            (SELECT string_agg(format('%I = EXCLUDED.%I', c, c), ', ') FROM jsonb_array_elements_text(w->'columns') AS c))
          USING w->'rows';
        ELSE
          -- Patches of shared rows: "set" columns replaced, "inc" columns added to what is there.
          EXECUTE format(
            'UPDATE %I AS t SET (%s) = (SELECT %s FROM jsonb_populate_record(t, p.value->''set'' || '
            '(SELECT coalesce(jsonb_object_agg(i.key, (to_jsonb(t)->>i.key)::numeric + i.value::numeric), ''{}'') '
            'FROM jsonb_each_text(p.value->''inc'') AS i)) AS r) FROM jsonb_array_elements($1) AS p WHERE %s',
            w->>'table',
            (SELECT string_agg(format('%I', c), ', ') FROM jsonb_array_elements_text(w->'columns') AS c),
            (SELECT string_agg(format('r.%I', c), ', ') FROM jsonb_array_elements_text(w->'columns') AS c),
            (SELECT string_agg(format('t.%I = (jsonb_populate_record(NULL::%I, p.value->''key'')).%I', c, w->>'table', c), ' AND ')
             FROM jsonb_array_elements_text(w->'key') AS c))
          USING w->'patches';
        END IF;
      END LOOP;

      IF top IS NOT NULL THEN
        -- The version stays the one the rows were first built with: only a rebuild (which starts the
        -- checkpoint afresh) makes rows of an older projection version current again.
        INSERT INTO projection_checkpoints (name, version, position)
        SELECT m.name, m.version, top FROM jsonb_to_recordset(p_models) AS m(name text, version int)
        ON CONFLICT (name) DO UPDATE
          SET position = GREATEST(projection_checkpoints.position, EXCLUDED.position);
      END IF;
      RETURN jsonb_build_object('stale', '[]'::jsonb);
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION dudao_append(text[], jsonb, jsonb, jsonb, jsonb)`.execute(db);
  await sql`ALTER TABLE milestones DROP COLUMN ordinal`.execute(db);
}
