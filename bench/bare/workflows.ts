/**
 * The bare-Temporal baseline of `npm run bench` (project cost): the same shape as a dudao cycle —
 * a parent that starts its children a hundred at a time and waits for them, each child taking
 * Updates that each run one activity inserting one row — and nothing else: no domain, no state,
 * no events, no search attributes.
 */
import {
  condition,
  defineUpdate,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { BareActivities } from './activities';

const { insertRow } = proxyActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });

export const bareAct = defineUpdate<number, [{ last: boolean }]>('act');

export async function bareProject(): Promise<number> {
  let updates = 0;
  let done = false;
  setHandler(bareAct, async ({ last }) => {
    await insertRow(workflowInfo().workflowId, ++updates);
    if (last) done = true;
    return updates;
  });
  await condition(() => done);
  return updates;
}

export async function bareCycle(count: number): Promise<number> {
  const handles = [];
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) =>
      startChild(bareProject, { workflowId: `${workflowInfo().workflowId}/${i + j}` }),
    );
    handles.push(...(await Promise.all(batch)));
  }
  const results = await Promise.all(handles.map((h) => h.result()));
  return results.reduce((n, r) => n + r, 0);
}
