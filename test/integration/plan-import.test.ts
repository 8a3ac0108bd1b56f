import { readFileSync } from 'node:fs';
import path from 'node:path';
import { linkedItemTitle } from '../../app/instructions';
import { selectItems, toCycleItem } from '../../domain/cycle';
import type { Plan } from '../../domain/plan';
import { importPlan, listPlanVersions, loadPlanVersion } from '../../seeds/import';
import { parsePlan } from '../../seeds/parser/parse';
import { freshDatabase, type TestDatabase } from '../support/db';

const seedText = readFileSync(
  path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt'),
  'utf8',
);

function parse(text: string): Plan {
  const outcome = parsePlan(text);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.plan;
}

describe('plan import', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('stores the seed as version 1 with its items and units', async () => {
    const result = await importPlan(t.db, parse(seedText), seedText, 'seed.txt');
    expect(result).toMatchObject({ status: 'created', version: 1, diff: null });
    const items = await t.db.selectFrom('plan_items').select(['kind']).execute();
    expect(items).toHaveLength(82);
    expect(items.filter((i) => i.kind === 'major_project')).toHaveLength(16);
    const units = await t.db
      .selectFrom('plan_version_units')
      .select('unit_name')
      .orderBy('position')
      .execute();
    expect(units.map((u) => u.unit_name).slice(0, 3)).toEqual(['基教处', '督导处', '计财处']);
  });

  it('changes nothing when the same document (re-spaced, re-paginated) comes again', async () => {
    const respaced = seedText
      .replace(/\n/g, '\n\n  ')
      .replace('\n\n  2.加强实践教育', '\n- 7 -\n2.加强实践教育');
    const result = await importPlan(t.db, parse(respaced), respaced, 'seed-copy.txt');
    expect(result).toMatchObject({ status: 'unchanged', version: 1 });
    expect(await t.db.selectFrom('plan_versions').select('id').execute()).toHaveLength(1);
  });

  it('creates version 2 for a revision and reports added, removed and changed items', async () => {
    const revised = seedText
      // A new first indicator renumbers every indicator after it: they must not count as changed.
      .replace('一、主要指标\n', '一、主要指标\n1.高等教育毛入学率达到60%。（责任单位：高师处）\n')
      .replace('（责任单位：基教处）\n3.义务教育', '（责任单位：基教处、督导处）\n3.义务教育')
      .replace(/5\.加强高校高层次人才的培养和引进。（责任单位：组人处、高师处）\n/, '');
    const result = await importPlan(t.db, parse(revised), revised, 'seed-v2.txt');
    if (result.status !== 'created' || !result.diff) throw new Error('expected a new version with a diff');
    expect(result.version).toBe(2);
    expect(result.diff.added.map((i) => i.text)).toEqual(['高等教育毛入学率达到60%。']);
    expect(result.diff.removed.map((i) => i.text)).toEqual(['加强高校高层次人才的培养和引进。']);
    expect(result.diff.changed.map((c) => [c.after.text, c.fields])).toEqual([
      ['九年义务教育巩固率达到100%。', ['units']],
    ]);
    expect(result.diff.unchanged).toBe(80);
  });

  it('loads the latest version by default, and any version on request', async () => {
    const latest = await loadPlanVersion(t.db);
    expect(latest.version).toBe(2);
    expect(latest.plan.items).toHaveLength(82);
    const first = await loadPlanVersion(t.db, latest.planId, 1);
    expect(first.plan).toEqual(parse(seedText));
    await expect(loadPlanVersion(t.db, latest.planId, 9)).rejects.toThrow(/第 9 版/);
    expect((await listPlanVersions(t.db)).map((v) => v.version)).toEqual([1, 2]);
  });

  it('records an item’s title and its recurring duty in its plan_items row', async () => {
    const row = await t.db
      .selectFrom('plan_items')
      .innerJoin('plan_versions', 'plan_versions.id', 'plan_items.plan_version_id')
      .select(['plan_items.recurrence', 'plan_items.title'])
      .where('plan_items.item_id', '=', '2.2.5.3')
      .where('plan_versions.version', '=', 2)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title: '基础教育重点帮促县建设工程', recurrence: { everyYears: 2 } });
  });

  it('names every item of a version stored before titles were derived, cycles and instructions included', async () => {
    // What the earlier parser stored: no title where the document gives none, a single recurrence.
    const { planId } = await loadPlanVersion(t.db);
    const stored = JSON.parse(JSON.stringify(parse(seedText))) as { items: Record<string, unknown>[] };
    for (const item of stored.items) {
      if (item.titleSource === 'first_clause') item.title = null;
      const recurrences = item.recurrences as unknown[];
      item.recurrence = recurrences[0] ?? null;
      delete item.titleSource;
      delete item.recurrences;
      delete item.cadences;
    }
    await t.db
      .updateTable('plan_versions')
      .set({ document: JSON.stringify(stored) as never })
      .where('plan_id', '=', planId)
      .where('version', '=', 2)
      .execute();

    const { plan } = await loadPlanVersion(t.db);
    expect(plan.items.map((i) => i.title)).toEqual(parse(seedText).items.map((i) => i.title));
    const majors = selectItems(plan.items, { kinds: ['major_project'] }).map(toCycleItem);
    expect(majors).toHaveLength(16);
    expect(majors.find((i) => i.itemId === '2.6.5.1')?.title).toBe('推进特殊教育学校现代化建设');
    expect(plan.items.find((i) => i.id === '2.2.5.3')?.recurrences.map((r) => r.everyYears)).toEqual([2]);
    expect(await linkedItemTitle(t.db, '2.6.5.2')).toBe('继续推进资源教室建设');
    expect(await linkedItemTitle(t.db, '9.9')).toBeNull();
  });
});
