import { sql, type Kysely } from 'kysely';

/** One inserted row per Update: the least a recorded human action can cost. */
export function bareActivities(db: Kysely<unknown>) {
  return {
    async insertRow(workflowId: string, n: number): Promise<void> {
      await sql`INSERT INTO bench_bare (workflow_id, n) VALUES (${workflowId}, ${n}) ON CONFLICT DO NOTHING`.execute(
        db,
      );
    },
  };
}

export type BareActivities = ReturnType<typeof bareActivities>;
