import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** The append-only domain event log: the record every report derives from. */
export interface EventsTable {
  position: Generated<string>;
  event_id: string;
  stream_id: string;
  seq: number;
  type: string;
  schema_version: number;
  payload: JSONColumnType<Record<string, unknown>>;
  actor: JSONColumnType<{ userId: string; role: string; unit: string | null }>;
  occurred_at: ColumnType<Date, string, never>;
  recorded_at: ColumnType<Date, string | undefined, never>;
  cycle_id: string;
  project_id: string | null;
  milestone_id: string | null;
  causation_id: string | null;
  prev_hash: string;
  hash: string;
}

/** Reminders and escalation notices waiting for, or done with, delivery. */
export interface NotificationsTable {
  notification_id: string;
  event_id: string;
  kind: string;
  cycle_id: string;
  unit: string;
  channel: string;
  subject: string;
  body: string;
  status: ColumnType<'pending' | 'delivered' | 'failed', string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, string | undefined, string>;
  delivered_at: ColumnType<Date | null, never, string | null>;
  opened_at: ColumnType<Date | null, never, string | null>;
  created_at: ColumnType<Date, string | undefined, never>;
}

export interface NotificationAttemptsTable {
  id: Generated<string>;
  notification_id: string;
  attempted_at: ColumnType<Date, string | undefined, never>;
  ok: boolean;
  detail: string;
}
