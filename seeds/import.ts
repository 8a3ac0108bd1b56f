/**
 * Stores parsed plans in Postgres as versions: the same document imported twice is one version; a
 * revised document becomes version N+1, with the item-level difference to the version before it.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database';
import { mainRecurrence, Plan } from '../domain/plan';
import { diffPlanItems, itemKey, type PlanDiff } from './parser/diff';
import { isPageClutter, splitLines } from './parser/lines';

type Db = Kysely<Database> | Transaction<Database>;

export type ImportResult =
  | { status: 'unchanged'; planId: number; version: number }
  | { status: 'created'; planId: number; version: number; diff: PlanDiff | null };

export interface StoredVersion {
  planId: number;
  title: string;
  version: number;
  sourceName: string;
  issuedOn: string | null;
  itemCount: number;
  warningCount: number;
  importedAt: Date;
}

/**
 * The text the content hash covers: lines trimmed, blank lines and page numbers dropped, so that a
 * re-export with different spacing or pagination is still the same document.
 */
export function normalizedDocument(text: string): string {
  return splitLines(text)
    .map((l) => l.text)
    .filter((t) => t !== '' && !isPageClutter(t))
    .join('\n');
}

export function contentHash(text: string): string {
  return createHash('sha256').update(normalizedDocument(text)).digest('hex');
}

export async function importPlan(db: Kysely<Database>, plan: Plan, sourceText: string, sourceName: string) {
  const hash = contentHash(sourceText);
  return db.transaction().execute(async (tx): Promise<ImportResult> => {
    const planId = await lockPlan(tx, plan.title);
    const latest = await tx
      .selectFrom('plan_versions')
      .select(['version', 'content_hash', 'document'])
      .where('plan_id', '=', planId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest?.content_hash === hash) return { status: 'unchanged', planId, version: latest.version };

    const version = (latest?.version ?? 0) + 1;
    const { id: versionId } = await tx
      .insertInto('plan_versions')
      .values({
        plan_id: planId,
        version,
        content_hash: hash,
        source_name: sourceName,
        issuer: plan.issuer,
        issued_on: plan.issuedOn,
        document: JSON.stringify(plan),
        item_count: plan.items.length,
        warning_count: plan.warnings.length,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertItems(tx, versionId, plan);
    await insertUnits(tx, versionId, plan.units);
    const diff = latest ? diffPlanItems(Plan.parse(latest.document).items, plan.items) : null;
    return { status: 'created', planId, version, diff };
  });
}

/**
 * The plan row for a title, created if new, and a transaction lock on it so concurrent imports
 * number versions in turn. An advisory lock rather than a row lock: the workspace imports with a
 * role that may add plans but never update one, and FOR UPDATE would need that right.
 */
async function lockPlan(tx: Transaction<Database>, title: string): Promise<number> {
  await tx
    .insertInto('plans')
    .values({ title })
    .onConflict((oc) => oc.column('title').doNothing())
    .execute();
  const { id } = await tx
    .selectFrom('plans')
    .select('id')
    .where('title', '=', title)
    .executeTakeFirstOrThrow();
  await sql`SELECT pg_advisory_xact_lock(${PLAN_LOCK}, ${id})`.execute(tx);
  return id;
}

/** The advisory-lock namespace of plan imports (the second key is the plan's id). */
const PLAN_LOCK = 0x706c616e;

async function insertItems(tx: Db, versionId: number, plan: Plan): Promise<void> {
  if (plan.items.length === 0) return;
  const seen = new Map<string, number>();
  const rows = plan.items.map((item, position) => {
    // Identical texts (a task repeated as a major project) stay apart by their order of appearance.
    const base = createHash('sha256').update(itemKey(item)).digest('hex').slice(0, 16);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return {
      plan_version_id: versionId,
      item_id: item.id,
      item_key: n === 1 ? base : `${base}-${n}`,
      position,
      kind: item.kind,
      path: JSON.stringify(item.path),
      title: item.title,
      text: item.text,
      units: JSON.stringify(item.units),
      targets: JSON.stringify(item.targets),
      milestones: JSON.stringify(item.milestones),
      recurrence: JSON.stringify(mainRecurrence(item)),
      source_line: item.sourceLine,
    };
  });
  await tx.insertInto('plan_items').values(rows).execute();
}

async function insertUnits(tx: Db, versionId: number, units: string[]): Promise<void> {
  if (units.length === 0) return;
  await tx
    .insertInto('units')
    .values(units.map((name) => ({ name })))
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  await tx
    .insertInto('plan_version_units')
    .values(units.map((unit_name, position) => ({ plan_version_id: versionId, unit_name, position })))
    .execute();
}

/**
 * The plan a cycle starts from: the given version of the given plan, by default the latest version of the
 * most recently imported plan. Throws (in Chinese) when nothing matching is stored.
 */
export async function loadPlanVersion(
  db: Db,
  planId?: number,
  version?: number,
): Promise<{ planId: number; version: number; plan: Plan }> {
  let query = db
    .selectFrom('plan_versions')
    .select(['plan_id', 'version', 'document'])
    .orderBy('imported_at', 'desc')
    .orderBy('id', 'desc');
  if (planId !== undefined) query = query.where('plan_id', '=', planId);
  if (version !== undefined) query = query.where('version', '=', version);
  const row = await query.limit(1).executeTakeFirst();
  if (!row) {
    const which = [
      planId !== undefined ? `规划 ${planId}` : '',
      version !== undefined ? `第 ${version} 版` : '',
    ]
      .filter(Boolean)
      .join(' ');
    throw new Error(`数据库中没有${which ? `${which}的` : ''}规划，请先用 dudao plan import 导入。`);
  }
  return { planId: row.plan_id, version: row.version, plan: Plan.parse(row.document) };
}

export async function listPlanVersions(db: Db): Promise<StoredVersion[]> {
  const rows = await db
    .selectFrom('plan_versions')
    .innerJoin('plans', 'plans.id', 'plan_versions.plan_id')
    .select([
      'plans.id as planId',
      'plans.title',
      'plan_versions.version',
      'plan_versions.source_name',
      'plan_versions.issued_on',
      'plan_versions.item_count',
      'plan_versions.warning_count',
      'plan_versions.imported_at',
    ])
    .orderBy('plans.id')
    .orderBy('plan_versions.version')
    .execute();
  return rows.map((r) => ({
    planId: r.planId,
    title: r.title,
    version: r.version,
    sourceName: r.source_name,
    issuedOn: r.issued_on,
    itemCount: r.item_count,
    warningCount: r.warning_count,
    importedAt: r.imported_at,
  }));
}

export type ImportPreview =
  | { status: 'new'; planId: null; version: null; diff: null }
  | { status: 'unchanged'; planId: number; version: number; diff: null }
  | { status: 'revision'; planId: number; version: number; diff: PlanDiff };

/**
 * What importing would do, without writing: a new plan, a revision of the plan of the same title (with
 * the item-level difference to its latest version), or nothing, when the content is the same.
 */
export async function previewImport(db: Db, plan: Plan, sourceText: string): Promise<ImportPreview> {
  const latest = await db
    .selectFrom('plan_versions')
    .innerJoin('plans', 'plans.id', 'plan_versions.plan_id')
    .select([
      'plans.id as planId',
      'plan_versions.version',
      'plan_versions.content_hash',
      'plan_versions.document',
    ])
    .where('plans.title', '=', plan.title)
    .orderBy('plan_versions.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return { status: 'new', planId: null, version: null, diff: null };
  if (latest.content_hash === contentHash(sourceText))
    return { status: 'unchanged', planId: latest.planId, version: latest.version, diff: null };
  const diff = diffPlanItems(Plan.parse(latest.document).items, plan.items);
  return { status: 'revision', planId: latest.planId, version: latest.version, diff };
}
