import { sql, type Kysely } from 'kysely';

/**
 * A plan item in two cycles is two projects: every project-scoped read-model row is keyed by its
 * cycle too (before, a second cycle over the same plan overwrote the first one's rows).
 */
const keys: [table: string, constraint: string, before: string[], after: string[]][] = [
  ['projects', 'projects_pkey', ['project_id'], ['cycle_id', 'project_id']],
  ['milestones', 'milestones_pk', ['project_id', 'milestone_id'], ['cycle_id', 'project_id', 'milestone_id']],
  ['assignments', 'assignments_pkey', ['assignment_id'], ['cycle_id', 'assignment_id']],
  ['submissions', 'submissions_pkey', ['submission_id'], ['cycle_id', 'submission_id']],
  ['notices', 'notices_pkey', ['notification_id'], ['cycle_id', 'notification_id']],
  ['extension_requests', 'extension_requests_pkey', ['request_id'], ['cycle_id', 'request_id']],
  [
    'target_progress',
    'target_progress_pk',
    ['project_id', 'milestone_id', 'target_index'],
    ['cycle_id', 'project_id', 'milestone_id', 'target_index'],
  ],
  ['unit_score_lines', 'unit_score_lines_pkey', ['assignment_id'], ['cycle_id', 'assignment_id']],
];

async function rekey(db: Kysely<unknown>, to: 'before' | 'after'): Promise<void> {
  for (const [table, constraint, before, after] of keys) {
    const columns = (to === 'after' ? after : before).map((c) => sql.id(c));
    await sql`ALTER TABLE ${sql.id(table)} DROP CONSTRAINT ${sql.id(constraint)}`.execute(db);
    await sql`ALTER TABLE ${sql.id(table)} ADD CONSTRAINT ${sql.id(constraint)} PRIMARY KEY (${sql.join(columns)})`.execute(
      db,
    );
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await rekey(db, 'after');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await rekey(db, 'before');
}
