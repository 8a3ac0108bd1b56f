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

/** Reminders and escalation notices waiting for, being given, or done with delivery. */
export interface NotificationsTable {
  notification_id: string;
  event_id: string;
  kind: string;
  cycle_id: string;
  unit: string;
  /** The channel of the latest attempt; chosen at delivery (unit directory, then cycle policy). */
  channel: ColumnType<string | null, string | null | undefined, string | null>;
  subject: string;
  body: string;
  project_id: string | null;
  milestone_id: string | null;
  due_at: ColumnType<Date | null, string | null, string | null>;
  /** The plan time of the event that decided the notice. */
  notice_at: ColumnType<Date | null, string | null, string | null>;
  status: ColumnType<
    'pending' | 'sending' | 'delivered' | 'failed',
    string | undefined,
    'pending' | 'sending' | 'delivered' | 'failed'
  >;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, string | undefined, string>;
  /** While `sending`: when another notifier may take the notice over (its sender presumed dead). */
  claimed_until: ColumnType<Date | null, string | null | undefined, string | null>;
  delivered_at: ColumnType<Date | null, never, string | null>;
  opened_at: ColumnType<Date | null, never, string | null>;
  created_at: ColumnType<Date, string | undefined, never>;
}

/** One delivery attempt: recorded `sending` before the channel is called, its outcome after. */
export interface NotificationAttemptsTable {
  id: Generated<string>;
  notification_id: string;
  attempted_at: ColumnType<Date, string | undefined, never>;
  status: 'sending' | 'delivered' | 'failed' | 'interrupted';
  channel: string | null;
  /** null until the outcome is known. */
  ok: boolean | null;
  detail: string;
  finished_at: ColumnType<Date | null, string | null | undefined, string | null>;
}

/** The unit directory: where each unit's notices go. */
export interface UnitChannelsTable {
  unit: string;
  channel: 'log' | 'webhook' | 'dingtalk' | 'wecom' | 'email';
  /** Webhook or robot URL, or e-mail address. */
  address: string | null;
  /** DingTalk robot signing secret (加签). */
  secret: string | null;
  updated_at: ColumnType<Date, string | undefined, string>;
  updated_by: string;
}

/** Append-only: each time someone of the receiving unit opened a notice. */
export interface NotificationReadsTable {
  id: Generated<string>;
  notification_id: string;
  unit: string;
  username: string;
  role: string;
  via: 'web' | 'api';
  opened_at: ColumnType<Date, string | undefined, never>;
}
