import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { sendProjectCommand } from '../../app/commands';
import { freshDatabase, type TestDatabase } from '../support/db';
import { connectClient, testSigner, testTemporalAddress, uniqueId } from '../support/temporal';
import { drillCycle, preschoolPlan, unit } from '../support/scenario';
import { waitFor } from '../support/wait';
import { bundleFile, killed, workerProcess } from '../support/worker-process';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import type { CycleItem } from '../../domain/cycle';
import type { History } from '../../audit/histories';
import { readStream } from '../../db/event-store';

const { EventType } = temporal.api.enums.v1;

const only2017: CycleItem = {
  ...preschoolPlan,
  units: ['基教处', '计财处'],
  milestones: [preschoolPlan.milestones[1]!],
};
/** One plan year per 8 real seconds: the first 催办 (co-unit, 12-15) falls about 7.7 s after the start. */
const YEAR_SECONDS = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The faults behind the chaos run's nondeterminism (issue 10, ../shared/evidence): the worker dies
 * (SIGKILL) while a project sleeps on a timer; the timer fires and a person's Update arrives while
 * no worker runs, so the workflow task a new worker takes, cold, after the dead worker's sticky
 * task timed out, carries both. The SDK core may hand such a task to the workflow as one
 * activation or as two (timer first) live, and as one (Update first) on replay; the activation's
 * clock may differ too. The workflow must decide the same either way.
 */
async function timerAndUpdateInOneTask(
  t: TestDatabase,
  workflowBundle: string,
): Promise<{ workflowId: string; history: History }> {
  const env = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    DATABASE_URL: t.url,
    DUDAO_TASK_QUEUE: uniqueId('det'),
  };
  const { client, close } = await connectClient(await testSigner(t.db));
  const first = workerProcess(env, workflowBundle);
  try {
    const input = drillCycle(uniqueId('det'), [only2017], YEAR_SECONDS);
    // Room for a slow worker start: the project stays open for a plan year after its deadline.
    input.window = { ...input.window, reviewDueAt: '2018-12-31T15:59:59.000Z' };
    const cycle = await client.workflow.start('inspectionCycleWorkflow', {
      taskQueue: env.DUDAO_TASK_QUEUE,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });
    const workflowId = projectWorkflowId(cycle.workflowId, only2017.itemId);
    const project = client.workflow.getHandle(workflowId);
    // Kill the worker once the project sleeps on its first reminder's timer, nothing else pending.
    await waitFor(async () => {
      const events = (await project.fetchHistory()).events ?? [];
      return (
        (await project.query(projectStateQuery)).state.milestones[0]?.phase === 'assigned' &&
        events.at(-1)?.eventType === EventType.EVENT_TYPE_TIMER_STARTED
      );
    }, 60_000);
    await killed(first);

    // The timer fires with no worker; then the lead unit signs for its assignment. The Update waits
    // in the server, attached to the pending workflow task, until the next worker takes it.
    await waitFor(async () =>
      ((await project.fetchHistory()).events ?? []).some(
        (e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED,
      ),
    );
    const signing = sendProjectCommand(project, {
      type: 'acknowledge',
      actor: unit('基教处'),
      assignmentId: 'mp-01/2017/lead',
    });
    await sleep(1_000);
    const second = workerProcess(env, workflowBundle);
    try {
      const view = await signing;
      expect(view.state.milestones[0]!.assignments[0]!.acknowledged).toBe(true);
      const history = await project.fetchHistory();
      await client.workflow.getHandle(cycle.workflowId).terminate('test over');
      return { workflowId, history };
    } finally {
      await killed(second);
    }
  } finally {
    await killed(first);
    await close();
  }
}

const replay = async (history: History, workflowId: string) =>
  Worker.runReplayHistory(
    { workflowBundle: { codePath: await bundleFile() }, replayName: workflowId },
    history,
    workflowId,
  );

describe('a timer and an Update in the same workflow task', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('replays exactly what ran, with the reminder and the signature recorded once each', async () => {
    const { workflowId, history } = await timerAndUpdateInOneTask(t, await bundleFile());
    await expect(replay(history, workflowId)).resolves.toBeUndefined();
    const types = (await readStream(t.db, workflowId)).map((e) => e.type);
    expect(types.filter((x) => x === 'AssignmentAcknowledged')).toHaveLength(1);
    expect(types.filter((x) => x === 'ReminderSent').length).toBeGreaterThanOrEqual(1);
  });
});
