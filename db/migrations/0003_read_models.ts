import { sql, type Kysely } from 'kysely';

/**
 * Read models derived from the event log (db/projections). Rebuildable at any time, so they carry
 * no foreign keys to each other: a rebuild of one model never waits on another.
 */
// Migrations take Kysely<any> so they stay frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('projection_checkpoints')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cycles')
    .addColumn('cycle_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('plan_version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('opens_at', 'timestamptz', (c) => c.notNull())
    .addColumn('submission_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('original_submission_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('review_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('scoring_baseline', 'text', (c) => c.notNull())
    .addColumn('amber_within', 'jsonb', (c) => c.notNull())
    .addColumn('max_returns', 'integer', (c) => c.notNull())
    .addColumn('projects_started', 'integer', (c) => c.notNull())
    .addColumn('projects_closed', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('note', 'text')
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('project_id', 'text', (c) => c.primaryKey())
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('section', 'text', (c) => c.notNull())
    .addColumn('lead_unit', 'text', (c) => c.notNull())
    .addColumn('co_units', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('rag', 'text')
    .addColumn('rag_rule', 'text')
    .addColumn('rag_milestone_id', 'text')
    .addColumn('milestones_total', 'integer', (c) => c.notNull())
    .addColumn('milestones_met', 'integer', (c) => c.notNull())
    .addColumn('milestones_missed', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('last_event_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('projects_cycle').on('projects').columns(['cycle_id', 'rag']).execute();

  await db.schema
    .createTable('milestones')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('year', 'integer')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('opens_at', 'timestamptz', (c) => c.notNull())
    .addColumn('original_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('rounds', 'integer', (c) => c.notNull())
    .addColumn('returns', 'integer', (c) => c.notNull())
    .addColumn('escalation_level', 'integer', (c) => c.notNull())
    .addColumn('rag', 'text')
    .addColumn('rag_rule', 'text')
    .addColumn('rag_threshold', 'text')
    .addColumn('rag_deadline', 'timestamptz')
    .addColumn('rag_event_id', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addPrimaryKeyConstraint('milestones_pk', ['project_id', 'milestone_id'])
    .execute();
  // The overdue report: open milestones of a cycle by due date.
  await db.schema
    .createIndex('milestones_open_due')
    .on('milestones')
    .columns(['cycle_id', 'due_at'])
    .where(sql.ref('status'), '<>', 'closed')
    .execute();

  await db.schema
    .createTable('assignments')
    .addColumn('assignment_id', 'text', (c) => c.primaryKey())
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('suspended', 'boolean', (c) => c.notNull())
    .addColumn('original_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull())
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('rounds', 'integer', (c) => c.notNull())
    .addColumn('returns', 'integer', (c) => c.notNull())
    .addColumn('reminders', 'integer', (c) => c.notNull())
    .addColumn('escalation_level', 'integer', (c) => c.notNull())
    .addColumn('reassigned_from', 'text')
    .addColumn('reassign_reason', 'text')
    .execute();
  await db.schema.createIndex('assignments_project').on('assignments').column('project_id').execute();
  await db.schema
    .createIndex('assignments_inbox')
    .on('assignments')
    .columns(['unit', 'status', 'due_at'])
    .execute();
  await db.schema.createIndex('assignments_cycle').on('assignments').columns(['cycle_id', 'unit']).execute();

  await db.schema
    .createTable('submissions')
    .addColumn('submission_id', 'text', (c) => c.primaryKey())
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('assignment_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('round', 'integer')
    .addColumn('narrative', 'text', (c) => c.notNull())
    .addColumn('reported_values', 'jsonb', (c) => c.notNull())
    .addColumn('evidence_count', 'integer', (c) => c.notNull())
    .addColumn('late', 'boolean', (c) => c.notNull())
    .addColumn('late_against_original', 'boolean')
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('review', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text')
    .addColumn('review_comment', 'text')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('reviewed_by', 'text')
    .execute();
  await db.schema.createIndex('submissions_project').on('submissions').column('project_id').execute();
  await db.schema.createIndex('submissions_cycle').on('submissions').columns(['cycle_id', 'unit']).execute();

  await db.schema
    .createTable('notices')
    .addColumn('notification_id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('assignment_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('level', 'integer')
    .addColumn('target', 'text')
    .addColumn('reason', 'text')
    .addColumn('lead_time', 'text')
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notices_project').on('notices').column('project_id').execute();
  await db.schema.createIndex('notices_cycle').on('notices').columns(['cycle_id', 'sent_at']).execute();
  // The notices report joins each notice to its delivery attempts.
  await db.schema
    .createIndex('notification_attempts_by_notification')
    .on('notification_attempts')
    .columns(['notification_id', 'attempted_at'])
    .execute();

  await db.schema
    .createTable('extension_requests')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('new_due_at', 'timestamptz')
    .addColumn('decision_comment', 'text')
    .addColumn('decided_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('extension_requests_project')
    .on('extension_requests')
    .column('project_id')
    .execute();

  await db.schema
    .createTable('target_progress')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('target_index', 'integer', (c) => c.notNull())
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .addColumn('target_value', 'double precision', (c) => c.notNull())
    .addColumn('target_unit', 'text', (c) => c.notNull())
    .addColumn('year', 'integer')
    .addColumn('reported', 'double precision')
    .addColumn('reported_at', 'timestamptz')
    .addColumn('reported_round', 'integer')
    .addColumn('met', 'boolean')
    .addColumn('assessed_at', 'timestamptz')
    .addPrimaryKeyConstraint('target_progress_pk', ['project_id', 'milestone_id', 'target_index'])
    .execute();
  await db.schema.createIndex('target_progress_cycle').on('target_progress').column('cycle_id').execute();

  await db.schema
    .createTable('unit_score_lines')
    .addColumn('assignment_id', 'text', (c) => c.primaryKey())
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('submitted', 'boolean', (c) => c.notNull())
    .addColumn('late', 'boolean')
    .addColumn('late_against_original', 'boolean')
    .addColumn('returns', 'integer', (c) => c.notNull())
    .addColumn('escalations', 'integer', (c) => c.notNull())
    .addColumn('max_escalation_level', 'integer', (c) => c.notNull())
    .addColumn('targets_met', 'integer', (c) => c.notNull())
    .addColumn('targets_total', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('unit_score_lines_project')
    .on('unit_score_lines')
    .column('project_id')
    .execute();
  await db.schema
    .createIndex('unit_score_lines_cycle')
    .on('unit_score_lines')
    .columns(['cycle_id', 'unit'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('notification_attempts_by_notification').execute();
  for (const table of [
    'unit_score_lines',
    'target_progress',
    'extension_requests',
    'notices',
    'submissions',
    'assignments',
    'milestones',
    'projects',
    'cycles',
    'projection_checkpoints',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
