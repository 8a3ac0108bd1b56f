import { spawnSync } from 'node:child_process';
import { sendProjectCommand } from '../../app/commands';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { WorkflowHandle } from '@temporalio/client';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startWorker, uniqueId, type TestStack } from '../support/temporal';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { waitFor } from '../support/wait';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import type { ProjectCommand } from '../../domain/commands';
import type { CycleItem } from '../../domain/cycle';
import type { Database } from '../../db/database';
import { liveSource, exportBundle, bundleSource, type AuditScope } from '../../audit/source';
import { replayAll, replayBundle } from '../../audit/replay';
import { verify, verifyModels, verifyStreams } from '../../audit/verify';
import { modelChecksums } from '../../db/projections/rebuild';
import type { Finding } from '../../audit/compare';

const item = (itemId: string): CycleItem => ({
  ...preschoolPlan,
  itemId,
  units: ['基教处', '计财处'],
  milestones: [preschoolPlan.milestones[1]!],
});
const ROLLBACK = new Error('rollback');

/** The audit tools against a scripted cycle: both records agree, and every kind of tampering is named. */
describe('audit: replay and verify', () => {
  let t: TestDatabase;
  let stack: TestStack;
  let scope: AuditScope;
  let a: string;
  let b: string;

  beforeAll(async () => {
    t = await freshDatabase();
    stack = await startWorker(t.db);
    const input = drillCycle(uniqueId('audit'), [item('mp-01'), item('mp-02')], 3600);
    const cycle = await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });
    scope = { cycleId: input.cycleId };
    a = projectWorkflowId(cycle.workflowId, 'mp-01');
    b = projectWorkflowId(cycle.workflowId, 'mp-02');
    const send = (id: string, c: ProjectCommand) =>
      sendProjectCommand(stack.client.workflow.getHandle(id), c);
    const opened = (h: WorkflowHandle) =>
      waitFor(async () => (await h.query(projectStateQuery)).state.milestones[0]?.phase === 'assigned');
    await opened(stack.client.workflow.getHandle(a));
    await opened(stack.client.workflow.getHandle(b));
    const M = (id: string) => `${id.split('/').pop()}/2017`;
    const report = (id: string, value: number): ProjectCommand => ({
      type: 'submitReport',
      actor: unit('基教处'),
      milestoneId: M(id),
      narrative: `完成${value}%`,
      values: [{ targetIndex: 0, value }],
      evidence: [{ ref: 'doc://r.pdf', sha256: 'b'.repeat(64) }],
    });
    await send(a, report(a, 70));
    await send(a, { type: 'return', actor: inspector, milestoneId: M(a), comment: '数据不全' });
    await send(a, report(a, 85));
    await send(a, { type: 'approve', actor: inspector, milestoneId: M(a), comment: '' });
    await send(b, report(b, 90));
    await send(b, { type: 'approve', actor: inspector, milestoneId: M(b), comment: '' });
    await cycle.result();
  });
  afterAll(async () => {
    await stack.stop();
    await t.drop();
  });

  it('replays every workflow of the cycle deterministically', async () => {
    const verdicts = await replayAll(
      await liveSource(stack.client, t.db, scope).workflows(),
      await replayBundle(),
    );
    expect(verdicts.map((v) => v.workflowId).sort()).toEqual(
      [a, b, `cycle-${(scope as { cycleId: string }).cycleId}`].sort(),
    );
    expect(verdicts.every((v) => v.deterministic)).toBe(true);
  });

  it('names the divergence when the workflow code changed without patched()', async () => {
    const changed = await replayBundle(path.join(__dirname, '..', 'replay', 'changed-workflows'));
    const verdicts = await replayAll(
      await liveSource(stack.client, t.db, { workflowId: a }).workflows(),
      changed,
    );
    expect(verdicts[0]).toMatchObject({ workflowId: a, deterministic: false });
    expect(verdicts[0]!.divergence).toMatch(/Nondeterminism/i);
  });

  it('finds the histories and the log in full agreement, and the read models rebuildable', async () => {
    const verdict = await verify(liveSource(stack.client, t.db, scope), () => verifyModels(t.db));
    expect(verdict.streams.flatMap((s) => s.findings)).toEqual([]);
    expect(verdict.models!.filter((m) => !m.equal)).toEqual([]);
    expect(verdict).toMatchObject({ agrees: true, counts: { workflows: 3 } });
  });

  /** Plants a change directly in Postgres (bypassing the append-only trigger), verifies, rolls back. */
  async function tampered(statement: string): Promise<Map<string, Finding[]>> {
    let found = new Map<string, Finding[]>();
    await t.db
      .transaction()
      .execute(async (trx) => {
        await sql`SET LOCAL session_replication_role = replica`.execute(trx);
        await sql.raw(statement).execute(trx);
        const { streams } = await verifyStreams(
          liveSource(stack.client, trx as unknown as Kysely<Database>, scope),
        );
        found = new Map(streams.filter((s) => !s.agrees).map((s) => [s.streamId, s.findings]));
        throw ROLLBACK;
      })
      .catch((err: unknown) => {
        if (err !== ROLLBACK) throw err;
      });
    return found;
  }
  const seqOf = async (stream: string, type: string) =>
    (
      await t.db
        .selectFrom('events')
        .select('seq')
        .where('stream_id', '=', stream)
        .where('type', '=', type)
        .orderBy('seq')
        .executeTakeFirstOrThrow()
    ).seq;

  it('catches a changed payload', async () => {
    const seq = await seqOf(a, 'ReportSubmitted');
    const found = await tampered(
      `UPDATE events SET payload = jsonb_set(payload, '{narrative}', '"完成100%"') WHERE stream_id = '${a}' AND seq = ${seq}`,
    );
    expect([...found.keys()]).toEqual([a]);
    expect(found.get(a)).toEqual([
      { kind: 'altered', seq, eventId: `${a}#${seq}`, fields: ['data.narrative'] },
      { kind: 'hash_mismatch', seq, eventId: `${a}#${seq}` },
    ]);
  });

  it('catches a deleted event', async () => {
    const seq = await seqOf(b, 'ReportApproved');
    const found = await tampered(`DELETE FROM events WHERE stream_id = '${b}' AND seq = ${seq}`);
    expect(found.get(b)).toEqual([
      { kind: 'missing', seq, eventId: `${b}#${seq}`, type: 'ReportApproved' },
      { kind: 'gap', seq },
    ]);
  });

  it('catches a swapped order', async () => {
    const x = await seqOf(a, 'ReportReturned');
    const y = x + 1;
    const found = await tampered(
      `UPDATE events SET seq = 1000000 WHERE stream_id = '${a}' AND seq = ${x};
       UPDATE events SET seq = ${x} WHERE stream_id = '${a}' AND seq = ${y};
       UPDATE events SET seq = ${y} WHERE stream_id = '${a}' AND seq = 1000000`,
    );
    expect(found.get(a)).toEqual(
      expect.arrayContaining([
        { kind: 'reordered', eventId: `${a}#${x}`, historySeq: x, logSeq: y },
        { kind: 'reordered', eventId: `${a}#${y}`, historySeq: y, logSeq: x },
      ]),
    );
  });

  it('catches a forged hash, and the chain break it leaves behind', async () => {
    const seq = await seqOf(b, 'ReportSubmitted');
    const found = await tampered(
      `UPDATE events SET hash = '${'f'.repeat(64)}' WHERE stream_id = '${b}' AND seq = ${seq}`,
    );
    expect(found.get(b)).toEqual([
      { kind: 'hash_mismatch', seq, eventId: `${b}#${seq}` },
      { kind: 'chain_broken', seq: seq + 1, eventId: `${b}#${seq + 1}` },
    ]);
  });

  it('exports a bundle that verifies and replays with no Temporal server and no database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-audit-'));
    try {
      const cycleId = (scope as { cycleId: string }).cycleId;
      const manifest = await exportBundle(
        liveSource(stack.client, t.db, scope),
        scope,
        dir,
        undefined,
        await modelChecksums(t.db, 'public', cycleId),
      );
      expect(manifest.histories.length).toBeGreaterThanOrEqual(3);
      const unreachable = {
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      };
      const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');
      const run = (args: string[]) =>
        spawnSync(process.execPath, [cli, ...args], {
          env: { ...process.env, ...unreachable },
          encoding: 'utf8',
          timeout: 120_000,
        });
      const verified = run(['audit', 'verify', '--from', dir, '--json']);
      expect({ status: verified.status, stderr: verified.stderr }).toMatchObject({ status: 0 });
      const offline = JSON.parse(verified.stdout) as {
        agrees: boolean;
        models: { name: string; equal: boolean }[];
      };
      expect(offline.agrees).toBe(true);
      // The read models, rebuilt from the bundle in a throwaway embedded database, match the export.
      expect(offline.models.map((m) => [m.name, m.equal])).toEqual(
        Object.keys(manifest.models!).map((name) => [name, true]),
      );
      const replayed = run(['audit', 'replay', '--from', dir]);
      expect({ status: replayed.status, stderr: replayed.stderr }).toMatchObject({ status: 0 });
      expect(replayed.stdout).toMatch(/全部 \d+ 次运行回放一致/);

      fs.appendFileSync(path.join(dir, 'events.jsonl'), '\n');
      await expect((await bundleSource(dir)).log()).rejects.toThrow(/审计包在导出后被修改过/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
