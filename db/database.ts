import type {
  EventsTable,
  NotificationAttemptsTable,
  NotificationReadsTable,
  NotificationsTable,
  UnitChannelsTable,
} from './tables/events';
import type { ReadModelTables } from './tables/read-models';
import type { PlanTables } from './tables/plans';
import type { IdentityTables } from './tables/identity';
import type { WorkCalendarTable } from './tables/calendar';
import type { WorkflowHealthTable } from './tables/health';
import type { SigningKeysTable } from './tables/signing-keys';
import type { IndicatorBaselinesTable } from './tables/indicators';

export interface Database {
  events: EventsTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  notification_reads: NotificationReadsTable;
  unit_channels: UnitChannelsTable;
  projection_checkpoints: ReadModelTables['projection_checkpoints'];
  cycles: ReadModelTables['cycles'];
  projects: ReadModelTables['projects'];
  milestones: ReadModelTables['milestones'];
  assignments: ReadModelTables['assignments'];
  submissions: ReadModelTables['submissions'];
  notices: ReadModelTables['notices'];
  extension_requests: ReadModelTables['extension_requests'];
  target_progress: ReadModelTables['target_progress'];
  unit_score_lines: ReadModelTables['unit_score_lines'];
  instructions: ReadModelTables['instructions'];
  progress_periods: ReadModelTables['progress_periods'];
  closure_requests: ReadModelTables['closure_requests'];
  rectifications: ReadModelTables['rectifications'];
  sub_assignments: ReadModelTables['sub_assignments'];
  plans: PlanTables['plans'];
  plan_versions: PlanTables['plan_versions'];
  plan_items: PlanTables['plan_items'];
  units: PlanTables['units'];
  plan_version_units: PlanTables['plan_version_units'];
  users: IdentityTables['users'];
  sessions: IdentityTables['sessions'];
  api_tokens: IdentityTables['api_tokens'];
  security_events: IdentityTables['security_events'];
  work_calendar: WorkCalendarTable;
  workflow_health: WorkflowHealthTable;
  evidence_uploads: IdentityTables['evidence_uploads'];
  signing_keys: SigningKeysTable;
  indicator_baselines: IndicatorBaselinesTable;
}
