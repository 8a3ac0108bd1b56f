import { spawnSync } from 'node:child_process';
import { sendProjectCommand } from '../../app/commands';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startWorker, testTemporalAddress, uniqueId, type TestStack } from '../support/temporal';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { waitFor } from '../support/wait';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import type { ProjectCommand } from '../../domain/commands';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');

/**
 * A gate that relies on `dudao audit verify`'s exit code must fail on anything but 一致: every mode
 * (one cycle, everything, an offline bundle; with and without the read-model check; text or JSON)
 * exits non-zero once the records disagree. Runs the built CLI (npm run build first).
 */
describe('audit verify exit codes', () => {
  let t: TestDatabase;
  let stack: TestStack;
  let cycleId: string;
  let project: string;
  let bundle: string;

  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [cli, 'audit', 'verify', ...args], {
      env: { ...process.env, DATABASE_URL: t.url, TEMPORAL_ADDRESS: testTemporalAddress(), ...env },
      encoding: 'utf8',
      timeout: 180_000,
      // --all compares every workflow on the shared test server: its report outgrows the 1 MB default.
      maxBuffer: 256 * 1024 * 1024,
    });
  const offline = { TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };

  beforeAll(async () => {
    t = await freshDatabase();
    stack = await startWorker(t.db);
    cycleId = uniqueId('exit');
    const input = drillCycle(
      cycleId,
      [{ ...preschoolPlan, milestones: [preschoolPlan.milestones[1]!] }],
      3600,
    );
    const cycle = await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${cycleId}`,
      args: [input],
    });
    project = projectWorkflowId(cycle.workflowId, 'mp-01');
    const handle = stack.client.workflow.getHandle(project);
    await waitFor(
      async () => (await handle.query(projectStateQuery)).state.milestones[0]?.phase === 'assigned',
    );
    const send = (c: ProjectCommand) => sendProjectCommand(handle, c);
    await send({
      type: 'submitReport',
      actor: unit('基教处'),
      milestoneId: 'mp-01/2017',
      narrative: '完成85%',
      values: [{ targetIndex: 0, value: 85 }],
      evidence: [],
    });
    await send({ type: 'approve', actor: inspector, milestoneId: 'mp-01/2017', comment: '' });
    await cycle.result();

    bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-exit-'));
    const exported = spawnSync(process.execPath, [cli, 'audit', 'export', '--cycle', cycleId, bundle], {
      env: { ...process.env, DATABASE_URL: t.url, TEMPORAL_ADDRESS: testTemporalAddress() },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ status: exported.status, stderr: exported.stderr }).toMatchObject({ status: 0 });
  });
  afterAll(async () => {
    await stack.stop();
    await t.drop();
    fs.rmSync(bundle, { recursive: true, force: true });
  });

  it('exits 0 while the records agree (the same modes that must fail below)', () => {
    for (const args of [
      ['--cycle', cycleId],
      ['--from', bundle, '--no-models'],
    ]) {
      const r = run(args, args[0] === '--from' ? offline : {});
      expect({ args, status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
      expect(r.stdout).toMatch(/总结论：一致/);
    }
  });

  it('exits non-zero on a tampered offline bundle, with and without the model check, in text and JSON', () => {
    // A forger who edits the log slice and re-hashes it in the manifest passes the file-hash check;
    // the history comparison still catches the altered narrative.
    const events = path.join(bundle, 'events.jsonl');
    const forged = fs.readFileSync(events, 'utf8').replace('完成85%', '完成100%');
    fs.writeFileSync(events, forged);
    const manifestFile = path.join(bundle, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { sha256: Record<string, string> };
    manifest.sha256['events.jsonl'] = createHash('sha256').update(forged).digest('hex');
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));

    for (const args of [
      ['--from', bundle],
      ['--from', bundle, '--json'],
      ['--from', bundle, '--no-models'],
      ['--from', bundle, '--no-models', '--json'],
    ]) {
      const r = run(args, offline);
      expect({ args, status: r.status, stderr: r.stderr }).toMatchObject({ status: 1 });
      if (args.includes('--json')) expect(JSON.parse(r.stdout)).toMatchObject({ agrees: false });
      else expect(r.stdout).toMatch(/总结论：不一致/);
    }
  });

  it('exits non-zero on a tampered live log for --cycle and --all, with and without models, text and JSON', async () => {
    await t.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx);
      await sql`UPDATE events SET payload = jsonb_set(payload, '{narrative}', '"完成100%"')
                WHERE stream_id = ${project} AND type = 'ReportSubmitted'`.execute(trx);
    });
    for (const scope of [['--cycle', cycleId], ['--all']]) {
      for (const extra of [[], ['--json'], ['--no-models'], ['--no-models', '--json']]) {
        const args = [...scope, ...extra];
        const r = run(args);
        expect({ args, status: r.status, stderr: r.stderr }).toMatchObject({ status: 1 });
        if (extra.includes('--json')) {
          const verdict = JSON.parse(r.stdout) as {
            agrees: boolean;
            streams: { streamId: string; agrees: boolean }[];
          };
          expect(verdict.agrees).toBe(false);
          expect(verdict.streams.find((s) => s.streamId === project)?.agrees).toBe(false);
        } else expect(r.stdout).toMatch(/总结论：不一致/);
      }
    }
  });
});
