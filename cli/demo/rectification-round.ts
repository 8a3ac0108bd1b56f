import fs from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { LIVE_SCHEMA } from '../../db/projections/read-model';
import type { RectificationRow } from '../../db/projections/rectifications';
import { planNow, type ClockAnchor } from '../../domain/clock';
import type { Principal } from '../../domain/principal';
import { rectificationWorkflowId } from '../../domain/rectification';
import { shanghaiDate } from '../../domain/shanghai';
import { uploadEvidence } from '../../app/evidence';
import { queryProject } from '../../app/projects';
import { issueRectifications, listRectifications, rectificationNotice } from '../../app/rectifications';
import { loadAssessmentBulletin } from '../../reports/documents/assessment-bulletin';
import { renderBulletinDocx } from '../../reports/documents/render-bulletin-docx';
import { renderRectificationNoticeDocx } from '../../reports/documents/render-rectification-notice-docx';
import { evidenceFileFor } from './evidence-files';
import { act, nextAction, seeded, type EvidenceAttacher, type Simulation } from './simulated-units';
import type { ProjectView } from '../../workflows/messages';

/** The share of 整改 a simulated unit carries out (the rest it lets run past the 整改期限). */
export const RECTIFY_RATE = 0.6;

/** Whether the unit holding a 整改 rectifies it: fixed by the seed and the round's id. */
export const rectifies = (sim: Simulation, rectificationId: string): boolean =>
  seeded(`${sim.seed}|rectify|${rectificationId}`) < RECTIFY_RATE;

/** Uploads each submission's evidence file through the evidence store, as the acting unit. */
export const storeAttacher =
  (deps: { db: Kysely<Database>; dataDir: string }, view: ProjectView): EvidenceAttacher =>
  async (command) => {
    const unit = command.actor.unit;
    if (!unit) return [];
    return [
      await uploadEvidence(deps, { unit, userId: command.actor.userId }, evidenceFileFor(command, view)),
    ];
  };

/**
 * One pass over the open 整改 rounds among `rows`: where `rectifies` says so the unit acknowledges
 * and reports (with its evidence when `attach` is given) and 督导处 approves it (销号); the others
 * are left alone to run past their 整改期限. Returns how many rounds are still open.
 */
export async function actOnRectifications(
  client: Client,
  rows: readonly RectificationRow[],
  rectifying: (round: RectificationRow) => boolean,
  sim: Simulation,
  attach?: (view: ProjectView) => EvidenceAttacher,
): Promise<number> {
  const open = rows.filter((r) => r.closed_at === null);
  await Promise.all(
    open.filter(rectifying).map(async (r) => {
      const workflowId = rectificationWorkflowId(r.project_id);
      const view = await queryProject(client.workflow.getHandle(workflowId)).catch(() => null);
      const command = view && nextAction(view, 'on_time', sim);
      if (view && command) await act(client, workflowId, command, attach?.(view));
    }),
  );
  return open.length;
}

export interface DrillEnd {
  issued: number;
  struckOff: number;
  unrectified: number;
  notice: string;
  bulletin: string;
}

/**
 * How the demo's drill ends: 督导处 closes the cycle out (a 整改 for each shortfall, due a few
 * real seconds ahead in the cycle's plan time), the units rectify some (销号) and let the others
 * run out, then the 整改通知 and the 考核结果通报 are written as Word documents into `outDir`.
 */
export async function closeTheDrill(
  deps: { db: Kysely<Database>; client: Client; taskQueue: string; dataDir: string },
  run: { cycleId: string; clock: ClockAnchor; inspector: Principal; sim: Simulation; roundSeconds: number },
  outDir: string,
): Promise<DrillEnd> {
  const { db, client } = deps;
  const { cycleId, clock, inspector, sim } = run;
  const deadline = shanghaiDate(planNow(clock, Date.now() + run.roundSeconds * 1000));
  const year = deadline.slice(0, 4);
  const { issued } = await issueRectifications(deps, inspector, cycleId, {
    deadline,
    documentNumber: `衢教督〔${year}〕1号`,
  });
  // The units' part ends with the 整改期限; those that let it pass are past it at the 通报's date.
  const until = Date.now() + (run.roundSeconds + 2) * 1000;
  for (;;) {
    const rows = await listRectifications(db, { originCycleId: cycleId });
    const open = await actOnRectifications(
      client,
      rows,
      (r) => rectifies(sim, r.project_id),
      sim,
      (view) => storeAttacher(deps, view),
    );
    // Each issued 整改 has its row once its workflow has recorded it; then wait for them to close.
    if ((rows.length === issued.length && open === 0) || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const rows = await listRectifications(db, { originCycleId: cycleId });
  const at = planNow(clock, Date.now());
  const bulletin = await loadAssessmentBulletin(
    db,
    { schema: LIVE_SCHEMA, cycleId, at },
    { documentNumber: `衢教督〔${year}〕2号` },
  );
  const notice = await rectificationNotice(db, cycleId, {
    issuer: bulletin.issuer,
    deadline,
    documentNumber: `衢教督〔${year}〕1号`,
  });
  await fs.mkdir(outDir, { recursive: true });
  const files = { notice: path.join(outDir, '整改通知.docx'), bulletin: path.join(outDir, '通报.docx') };
  await fs.writeFile(files.notice, await renderRectificationNoticeDocx(notice));
  await fs.writeFile(files.bulletin, await renderBulletinDocx(bulletin));
  return {
    issued: issued.length,
    struckOff: rows.filter((r) => r.status === 'struck_off').length,
    unrectified: rows.filter((r) => r.status !== 'struck_off').length,
    ...files,
  };
}
