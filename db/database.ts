import type { EventsTable, NotificationAttemptsTable, NotificationsTable } from './tables/events';
import type { ReadModelTables } from './tables/read-models';

export interface Database {
  events: EventsTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
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
}
