import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startWorker, testTemporalAddress, uniqueId, type TestStack } from '../support/temporal';
import { drillCycle, preschoolPlan } from '../support/scenario';
import { waitFor } from '../support/wait';
import { generateKey } from '../../app/keys';
import { readStream } from '../../db/event-store';
import { recordEvidenceUpload } from '../../db/evidence';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');

/** `dudao task submit` as a unit runs it: evidence may be a local file or a hash already in the store. */
describe('the CLI’s evidence path', () => {
  let t: TestDatabase;
  let stack: TestStack;
  let dataDir: string;
  const cycleId = uniqueId('cli-ev');
  const workflowId = projectWorkflowId(`cycle-${cycleId}`, preschoolPlan.itemId);
  let milestoneId: string;
  let coAssignmentId: string;

  /** The CLI as a child process; asynchronously, so this process's worker keeps answering it. */
  const submit = (ref: string, as: string, evidence: string[]) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          cli,
          ...['task', 'submit', ref, '--as', as, '--narrative', '进展', '--cycle', cycleId],
          ...evidence.flatMap((e) => ['--evidence', e]),
        ],
        {
          env: {
            ...process.env,
            TEMPORAL_ADDRESS: testTemporalAddress(),
            DATABASE_URL: t.url,
            DUDAO_TASK_QUEUE: stack.taskQueue,
            DUDAO_DATA_DIR: dataDir,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (status) => resolve({ status, stderr }));
    });

  beforeAll(async () => {
    t = await freshDatabase();
    stack = await startWorker(t.db);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-cli-ev-'));
    // `--as` needs the operator's key: the one `dudao keys generate` makes, in the data directory.
    await generateKey(t.db, path.join(dataDir, 'keys', 'operator.json'), 'operator', '测试操作员');
    await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${cycleId}`,
      args: [drillCycle(cycleId, [preschoolPlan], 3600)],
    });
    const open = async () => {
      const { state } = await stack.client.workflow.getHandle(workflowId).query(projectStateQuery);
      return state.milestones.find((m) => m.phase === 'assigned');
    };
    // The CLI finds the project through visibility: wait until it is listed, not only started.
    await waitFor(async () => {
      for await (const wf of stack.client.workflow.list({ query: `DudaoCycleId = '${cycleId}'` }))
        if (wf.workflowId === workflowId) return (await open()) !== undefined;
      return false;
    }, 30_000);
    const milestone = (await open())!;
    milestoneId = milestone.milestoneId;
    coAssignmentId = milestone.assignments.find((a) => a.unit === '计财处')!.assignmentId;
  });
  afterAll(async () => {
    await stack.stop();
    await t.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a hash the unit never uploaded, or another unit’s, and sends nothing', async () => {
    const foreign = 'd'.repeat(64);
    await recordEvidenceUpload(t.db, {
      sha256: foreign,
      unit: '计财处',
      uploadedBy: 'x',
      name: '他单位.pdf',
    });
    const before = await readStream(t.db, workflowId);
    for (const evidence of [`doc://伪造=${'e'.repeat(64)}`, foreign]) {
      const r = await submit(milestoneId, '基教处:unit_staff', [evidence]);
      expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 1 });
      expect(r.stderr).toMatch('不能引用佐证材料');
      expect(r.stderr).toMatch('既不是基教处上传的');
    }
    const { state } = await stack.client.workflow.getHandle(workflowId).query(projectStateQuery);
    expect(state.milestones.find((m) => m.milestoneId === milestoneId)!.phase).toBe('assigned');
    expect(await readStream(t.db, workflowId)).toEqual(before);
  });

  it('uploads a local file as the unit, cites it, and lets a co-unit cite it once attached', async () => {
    const file = path.join(dataDir, '进展报告.pdf');
    const bytes = Buffer.from('%PDF-1.4\n普惠性幼儿园覆盖面 82%\n%%EOF');
    fs.writeFileSync(file, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');

    // The co-unit may not cite the lead's file before it is attached to the project.
    const early = await submit(coAssignmentId, '计财处:unit_staff', [sha256]);
    expect(early.status).toBe(1);

    const r = await submit(milestoneId, '基教处:unit_staff', [file]);
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0, stderr: '' });
    expect(fs.readFileSync(path.join(dataDir, 'evidence', sha256))).toEqual(bytes);
    const upload = await t.db
      .selectFrom('evidence_uploads')
      .selectAll()
      .where('sha256', '=', sha256)
      .execute();
    expect(upload).toMatchObject([{ unit: '基教处', name: '进展报告.pdf' }]);

    const co = await submit(coAssignmentId, '计财处:unit_staff', [sha256]);
    expect({ status: co.status, stderr: co.stderr }).toMatchObject({ status: 0, stderr: '' });
    const { state } = await stack.client.workflow.getHandle(workflowId).query(projectStateQuery);
    const m = state.milestones.find((x) => x.milestoneId === milestoneId)!;
    expect(m.submission?.evidence.map((e) => e.sha256)).toEqual([sha256]);
  });
});
