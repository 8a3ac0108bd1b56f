import type { Browser } from 'playwright-core';
import { addUser, Session, startApiStack, type ApiStack } from '../support/api';
import { waitFor } from '../support/wait';
import { importBodies } from '../../app/units';
import { flashOk, launch, looksRight, shot, signIn, WIDTHS, type Person } from './support';

/**
 * 多级下发 in the workspace, in Debian's chromium at 1400 and 390 px: the unit holding a milestone
 * dispatches it to a county body from its page, the county finds it in its own inbox and reports,
 * and the unit approves the county's report where it waits for its review; a share no longer
 * needed is withdrawn (撤回下发) from the unit's list of shares still owed.
 */
describe('多级下发 in Chromium', () => {
  let s: ApiStack;
  let browser: Browser;
  let lead: string;
  const cycleId = `xf${Date.now().toString(36)}`;
  const people: Person[] = [];
  const bodies = ['柯城区教育局', '衢江区教育局'];

  beforeAll(async () => {
    s = await startApiStack();
    const item = await s.t.db
      .selectFrom('plan_items')
      .select(['item_id', 'units'])
      .where('kind', '=', 'major_project')
      .orderBy('item_id')
      .executeTakeFirstOrThrow();
    lead = item.units[0]!;
    await importBodies(s.t.db, ['上级单位,单位名称', ...bodies.map((b) => `${lead},${b}`)].join('\n'));
    await addUser(s.t.db, 'duchu', 'inspector', '督导处');
    await addUser(s.t.db, 'qiantou', 'unit_staff', lead);
    await addUser(s.t.db, 'kecheng', 'unit_staff', bodies[0]);
    const inspector = await Session.signIn(s.url, 'duchu');
    const started = await inspector.post('/api/cycles', {
      name: `下发旅程 ${cycleId}`,
      cycleId,
      year: 2017,
      scope: { kinds: ['major_project'], itemIds: [item.item_id] },
      // One plan year per hour: no deadline passes while the browser acts.
      drill: { yearSeconds: 3600 },
    });
    if (started.status !== 200) throw new Error(`start: ${await started.text()}`);
    const session = await Session.signIn(s.url, 'qiantou');
    await waitFor(
      async () => (await session.json<unknown[]>(`/api/inbox?cycle=${cycleId}`)).length > 0,
      30_000,
    );
    browser = await launch();
  }, 90_000);
  afterAll(async () => {
    for (const p of people) await p.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
  });

  async function as(username: string, w: (typeof WIDTHS)[number]): Promise<Person> {
    const p = await signIn(browser, s.url, username, w);
    people.push(p);
    return p;
  }

  it.each(WIDTHS)(
    'at $width px: dispatch, the county reports, the unit approves (or withdraws)',
    async (w) => {
      const body = w.width > 600 ? bodies[0]! : bodies[1]!;
      const unit = await as('qiantou', w);
      const card = unit.page.locator('article[data-inbox]').first();
      await card.waitFor();
      const details = card.locator('details', { hasText: '下发给下级单位' });
      await details.locator('summary').click();
      await looksRight(unit.page);
      const form = details.locator('form[data-action="/api/actions/dispatch"]');
      await form.locator('select[name=body]').selectOption(body);
      await form.locator('textarea[name=text]').fill('请按县域分解落实，按期报送。');
      await form.locator('button[type=submit]').click();
      await flashOk(unit.page);
      await shot(unit.page, 'dispatch', w, '1-dispatched');

      if (body === bodies[0]) {
        // The county finds its share in its own inbox and reports with a value.
        const county = await as('kecheng', w);
        const share = county.page.locator('article[data-inbox$="/reply"]');
        await share.waitFor();
        await looksRight(county.page);
        const submit = share.locator('form[data-submit]');
        const value = submit.locator('input[data-type=value]');
        if ((await value.count()) > 0) await value.first().fill('85');
        await submit.locator('textarea[name=narrative]').fill('本县已完成。');
        await submit.locator('button[type=submit]').click();
        await flashOk(county.page);
        await shot(county.page, 'dispatch', w, '2-county-reported');
        expect(county.problems).toEqual([]);

        // The unit approves it where it waits for the unit's own review.
        await unit.page.reload();
        const review = unit.page.locator('article[data-dispatch-review]');
        await review.waitFor();
        await looksRight(unit.page);
        await review.locator('form[data-action="/api/actions/approve"] button').click();
        await flashOk(unit.page);
        await unit.page.reload();
        await unit.page.locator('#dispatch-reviews', { hasText: '暂无待审核的下级单位报告' }).waitFor();
        await shot(unit.page, 'dispatch', w, '3-approved');
      } else {
        // The unit no longer needs the county's share: it withdraws it from its outstanding list.
        await unit.page.reload();
        const owed = unit.page.locator('article[data-outstanding-share]', { hasText: body });
        await owed.waitFor();
        await owed.locator('summary', { hasText: '撤回下发' }).click();
        await looksRight(unit.page);
        const withdraw = owed.locator('form[data-action="/api/actions/withdraw"]');
        await withdraw.locator('input[name=reason]').fill('改由本单位直接办理');
        await withdraw.locator('button[type=submit]').click();
        await flashOk(unit.page);
        await unit.page.reload();
        await unit.page.locator('#dispatch-reviews', { hasText: '没有尚未办结的下发任务' }).waitFor();
        await shot(unit.page, 'dispatch', w, '4-withdrawn');
      }
      expect(unit.problems).toEqual([]);
    },
  );
});
