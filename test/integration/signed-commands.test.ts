import { spawn } from 'node:child_process';
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { sendProjectCommand, stamped } from '../../app/commands';
import { generateKey } from '../../app/keys';
import { CommandSigner, generateKeyFile, type KeyFile } from '../../app/signing';
import { readStream } from '../../db/event-store';
import { registerSigningKey, revokeSigningKey } from '../../db/signing-keys';
import { signedMessage, type CommandProof } from '../../domain/command-proof';
import type { ProjectCommand } from '../../domain/commands';
import { SYSTEM, type Principal } from '../../domain/principal';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import {
  cancelCycle,
  projectStateQuery,
  projectUpdates,
  type CycleCancellation,
} from '../../workflows/messages';
import { freshDatabase, type TestDatabase } from '../support/db';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { startWorker, testTemporalAddress, uniqueId, type TestStack } from '../support/temporal';
import { waitFor } from '../support/wait';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');

/**
 * The trust boundary: a command reaches a workflow only with a principal the worker verified.
 * Whatever is refused is refused in the Update validator: no event in the log, nothing in history.
 */
describe('signed commands', () => {
  let t: TestDatabase;
  let stack: TestStack;
  let connection: Connection;
  /** A client that signs nothing: anyone who can reach Temporal. */
  let raw: Client;
  let cycle: WorkflowHandle;
  let project: WorkflowHandle;
  /** A registered key the test holds itself, to build proofs a normal signer would not. */
  let held: KeyFile;
  const cycleId = uniqueId('signed');
  const milestoneId = 'mp-01/2017';
  const acknowledge = (actor: Principal = unit('基教处')): ProjectCommand =>
    stamped<ProjectCommand>({ type: 'acknowledge', actor, assignmentId: `${milestoneId}/lead` });

  beforeAll(async () => {
    t = await freshDatabase();
    stack = await startWorker(t.db);
    connection = await Connection.connect({ address: testTemporalAddress() });
    raw = new Client({ connection, namespace: 'default' });
    const generated = generateKeyFile('operator', '测试持有');
    held = generated.file;
    await registerSigningKey(t.db, {
      keyId: held.keyId,
      publicKey: generated.publicKey,
      kind: 'operator',
      label: '测试持有',
    });
    const input = drillCycle(
      cycleId,
      [{ ...preschoolPlan, milestones: [preschoolPlan.milestones[1]!] }],
      3600,
    );
    cycle = await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${cycleId}`,
      args: [input],
    });
    project = stack.client.workflow.getHandle(projectWorkflowId(cycle.workflowId, 'mp-01'));
    await waitFor(
      async () => (await project.query(projectStateQuery)).state.milestones[0]?.phase === 'assigned',
    );
  });
  afterAll(async () => {
    await cycle.terminate('测试结束').catch(() => undefined);
    await connection.close();
    await stack.stop();
    await t.drop();
  });

  /** A proof signed with the held key over whatever fields the test chooses (even `system`). */
  const proofFor = (
    command: Record<string, unknown>,
    fields: Partial<Omit<CommandProof, 'signature'>> = {},
    key: KeyFile = held,
  ): CommandProof => {
    const unsigned = {
      keyId: key.keyId,
      principal: command.actor as Principal,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      nonce: randomUUID(),
      workflowId: project.workflowId,
      update: 'acknowledge',
      ...fields,
    };
    const signature = sign(
      null,
      Buffer.from(signedMessage(command, unsigned)),
      createPrivateKey(key.privateKey),
    );
    return { ...unsigned, signature: signature.toString('base64') };
  };

  /** Sends through the unsigned client, exactly the payload and Update id given. */
  const sendRaw = (command: Record<string, unknown>, updateId?: string) =>
    raw.workflow.getHandle(project.workflowId).executeUpdate(projectUpdates.acknowledge, {
      args: [command as ProjectCommand],
      ...(updateId ? { updateId } : {}),
    });

  const historyLength = async (h: WorkflowHandle) => (await h.fetchHistory()).events?.length ?? 0;

  /** The attempt is refused with `message`, and neither the log nor either history gained anything. */
  const refusedWithoutTrace = async (attempt: () => Promise<unknown>, message: string | RegExp) => {
    const before = {
      log: await readStream(t.db, project.workflowId),
      history: await historyLength(project),
      cycle: await historyLength(cycle),
    };
    const err = await attempt().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((err as WorkflowUpdateFailedError).cause as Error).message).toMatch(message);
    expect({
      log: await readStream(t.db, project.workflowId),
      history: await historyLength(project),
      cycle: await historyLength(cycle),
    }).toEqual(before);
  };

  it('refuses an unsigned command, and one whose sender wrote its own verdict', async () => {
    await refusedWithoutTrace(() => sendRaw(acknowledge()), '命令未签名');
    const command = acknowledge();
    const proof = { ...proofFor(command), signature: Buffer.alloc(64).toString('base64') };
    await refusedWithoutTrace(
      () =>
        sendRaw({ ...command, proof: { ...proof, verdict: { ok: true, keyId: held.keyId } } }, proof.nonce),
      '签名无效',
    );
  });

  it('refuses a forged command: another actor under a signature, an unknown key, another workflow', async () => {
    const signed = acknowledge();
    const proof = proofFor(signed);
    // The signature was for 基教处; the payload now claims the inspector.
    await refusedWithoutTrace(() => sendRaw({ ...signed, actor: inspector, proof }, proof.nonce), '签名无效');
    const stranger = generateKeyFile('operator', '未登记').file;
    const unknown = proofFor(signed, {}, stranger);
    await refusedWithoutTrace(() => sendRaw({ ...signed, proof: unknown }, unknown.nonce), '未登记');
    const elsewhere = proofFor(signed, { workflowId: 'another-project' });
    await refusedWithoutTrace(() => sendRaw({ ...signed, proof: elsewhere }, elsewhere.nonce), '另一个流程');
  });

  it('refuses an expired command and a revoked key', async () => {
    const command = acknowledge();
    const expired = proofFor(command, { expiresAt: new Date(Date.now() - 10 * 60_000).toISOString() });
    await refusedWithoutTrace(() => sendRaw({ ...command, proof: expired }, expired.nonce), '已过期');
    const revoked = generateKeyFile('operator', '将吊销');
    await registerSigningKey(t.db, {
      keyId: revoked.file.keyId,
      publicKey: revoked.publicKey,
      kind: 'operator',
      label: '将吊销',
    });
    await revokeSigningKey(t.db, revoked.file.keyId);
    const proof = new CommandSigner(revoked.file).sign('acknowledge', project.workflowId, command);
    await refusedWithoutTrace(() => sendRaw({ ...command, proof }, proof.nonce), '已吊销');
  });

  it('refuses the role system however it is signed, and a signer will not sign it', async () => {
    const command = acknowledge(SYSTEM);
    const proof = proofFor(command);
    await refusedWithoutTrace(
      () => sendRaw({ ...command, proof }, proof.nonce),
      '“系统”身份不能从外部发出命令',
    );
    expect(() => stack.signer.sign('acknowledge', project.workflowId, command)).toThrow('系统');
  });

  it('takes a signed command once: a replay under another Update id is refused, the same id adds nothing', async () => {
    const command = acknowledge();
    const proof = stack.signer.sign('acknowledge', project.workflowId, command);
    const view = await sendRaw({ ...command, proof }, proof.nonce);
    expect(view.state.milestones[0]!.assignments.find((a) => a.role === 'lead')!.acknowledged).toBe(true);
    const afterFirst = {
      log: await readStream(t.db, project.workflowId),
      history: await historyLength(project),
    };
    expect(afterFirst.log.map((e) => e.type)).toContain('AssignmentAcknowledged');
    expect(afterFirst.log.find((e) => e.type === 'AssignmentAcknowledged')!.actor).toEqual(unit('基教处'));

    await refusedWithoutTrace(() => sendRaw({ ...command, proof }, randomUUID()), '疑为重放');
    // The same Update id: Temporal answers with the first outcome and runs nothing again.
    await sendRaw({ ...command, proof }, proof.nonce).catch(() => undefined);
    expect({
      log: await readStream(t.db, project.workflowId),
      history: await historyLength(project),
    }).toEqual(afterFirst);
  });

  it('passes a command the API signs, and refuses an unsigned cycle cancellation', async () => {
    const view = await sendProjectCommand(project, {
      type: 'submitReport',
      actor: unit('基教处'),
      milestoneId,
      narrative: '普惠性幼儿园覆盖面已达82%',
      values: [{ targetIndex: 0, value: 82 }],
      evidence: [],
    });
    expect(view.state.milestones[0]!.phase).toBe('submitted');
    await refusedWithoutTrace(
      () =>
        raw.workflow.getHandle(cycle.workflowId).executeUpdate(cancelCycle, {
          args: [stamped<CycleCancellation>({ actor: inspector, reason: '未签名的撤销' })],
        }),
      '命令未签名',
    );
  });

  it('fails a cycle started without a proof, or with a forged starter, before anything is recorded', async () => {
    const unsignedId = uniqueId('unsigned');
    const forgedId = uniqueId('forged');
    const item = { ...preschoolPlan, milestones: [preschoolPlan.milestones[1]!] };
    const unsigned = await raw.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${unsignedId}`,
      args: [drillCycle(unsignedId, [item], 3600)],
    });
    // Signed for 基教处's staff, then claiming the inspector started it.
    const input = drillCycle(forgedId, [item], 3600);
    const proof = stack.signer.sign('start', `cycle-${forgedId}`, input, { principal: unit('基教处') });
    const forged = await raw.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${forgedId}`,
      args: [{ ...input, proof } as typeof input],
    });
    for (const [handle, message] of [
      [unsigned, '未签名'],
      [forged, '身份与签名不符|签名无效'],
    ] as const) {
      const err = await handle.result().then(
        () => null,
        (e: Error) => e,
      );
      expect((err?.cause as Error | undefined)?.message).toMatch(
        new RegExp(`发起督导周期的身份未经核验：.*(${message})`),
      );
    }
    const recorded = await t.db
      .selectFrom('events')
      .select('stream_id')
      .where('cycle_id', 'in', [unsignedId, forgedId])
      .execute();
    expect(recorded).toEqual([]);
  });

  it('refuses --as on the command line without an operator key, and signs with one', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-signed-cli-'));
    const { state } = await project.query(projectStateQuery);
    const coAssignment = state.milestones[0]!.assignments.find((a) => a.unit === '计财处')!.assignmentId;
    const ack = () =>
      new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [cli, 'task', 'ack', coAssignment, '--as', '计财处:unit_staff', '--cycle', cycleId],
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
    try {
      const before = await readStream(t.db, project.workflowId);
      const refused = await ack();
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch('需要操作员签名密钥');
      expect(await readStream(t.db, project.workflowId)).toEqual(before);

      await generateKey(t.db, path.join(dataDir, 'keys', 'operator.json'), 'operator', '测试操作员');
      expect((fs.statSync(path.join(dataDir, 'keys', 'operator.json')).mode & 0o777).toString(8)).toBe('600');
      const accepted = await ack();
      expect({ status: accepted.status, stderr: accepted.stderr }).toEqual({ status: 0, stderr: '' });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
