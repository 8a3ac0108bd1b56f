/** A workflow that is stuck: its task keeps failing, or its query does (one row while it lasts). */
export interface WorkflowHealthTable {
  workflow_id: string;
  cycle_id: string | null;
  item_id: string | null;
  problem: 'task_failing' | 'query_failing';
  detail: string;
  since: Date | string;
  attempts: number;
  checked_at: Date | string;
}
