import type { Browser } from 'playwright-core';
import { addUser, Session, startApiStack, type ApiStack } from '../support/api';
import { waitFor } from '../support/wait';
import { flashOk, launch, looksRight, shot, signIn, WIDTHS, type Person, type Width } from './support';

/**
 * The supervision an office runs besides milestone reports, in Debian's chromium at both widths:
 * a unit reports a 定期反馈 period and asks to close a project early (申请办结); 督导处 records a
 * leader's instruction (领导批示) on its page and confirms the closure (销号), lists a short cycle's
 * shortfalls on the close-out page and issues the 整改通知; the unit then answers the instruction
 * from its inbox, where the 整改 waits too.
 */
describe('periodic reports, instructions, 办结 and 整改 in Chromium', () => {
  let s: ApiStack;
  let browser: Browser;
  const cycleId = `sup${Date.now().toString(36)}`;
  /** A short cycle nobody reports in: it ends with a shortfall to 整改. */
  const shortId = `short${Date.now().toString(36)}`;
  let project: { id: string; unit: string };
  const people: Person[] = [];

  beforeAll(async () => {
    s = await startApiStack();
    const majors = await s.t.db
      .selectFrom('plan_items')
      .select(['item_id', 'units'])
      .where('kind', '=', 'major_project')
      .orderBy('item_id')
      .execute();
    const first = majors.find((m) => m.units.length > 0)!;
    project = { id: first.item_id, unit: first.units[0]! };
    const other = majors.find((m) => m.item_id !== first.item_id && m.units[0] === project.unit)!;
    await addUser(s.t.db, 'duchu', 'inspector', '督导处');
    await addUser(s.t.db, 'danwei', 'unit_staff', project.unit);
    const inspector = await Session.signIn(s.url, 'duchu');
    const res = await inspector.post('/api/cycles', {
      name: `定期反馈旅程 ${cycleId}`,
      cycleId,
      year: 2017,
      scope: { kinds: ['major_project'], itemIds: [project.id] },
      policy: { progressCadence: { every: 'month', day: 25 } },
      // One plan year per hour: no deadline passes while the browser acts.
      drill: { yearSeconds: 3600 },
    });
    if (res.status !== 200) throw new Error(`start: ${await res.text()}`);
    // One plan day per real second: the short cycle passes its deadline and closes in a few seconds,
    // and the 整改期限 below stays months ahead while the browser acts.
    const short = await inspector.post('/api/cycles', {
      name: `整改旅程 ${shortId}`,
      cycleId: shortId,
      window: { opensAt: '2017-11-01', submissionDueAt: '2017-11-03', reviewDueAt: '2017-11-06' },
      scope: { kinds: ['major_project'], itemIds: [other.item_id] },
      drill: { yearSeconds: 365 },
    });
    if (short.status !== 200) throw new Error(`start short: ${await short.text()}`);
    const unit = await Session.signIn(s.url, 'danwei');
    await waitFor(
      async () => (await unit.json<unknown[]>(`/api/periods?cycle=${cycleId}`)).length > 0,
      60_000,
    );
    browser = await launch();
  });
  afterAll(async () => {
    for (const p of people) await p.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
  });

  async function as(username: string, w: Width): Promise<Person> {
    const p = await signIn(browser, s.url, username, w);
    people.push(p);
    return p;
  }
  const desktop = WIDTHS.find((w) => w.width > 600)!;

  it.each(WIDTHS)('at $width px: the unit sees its open 定期反馈 period and its led project', async (w) => {
    const { page, problems } = await as('danwei', w);
    await page.goto(`${s.url}/unit?cycle=${cycleId}`);
    await page.locator(`#periods article[data-period="${project.id}/p2017-01"]`).waitFor();
    await expect(page.locator('#periods').textContent()).resolves.toContain('定期反馈·2017年1月');
    await page.locator(`#closures article[data-closure-item="${project.id}"]`).waitFor();
    await looksRight(page);
    await shot(page, 'unit-supervision', w, '1-periods');
    expect(problems).toEqual([]);
  });

  it('a unit reports its month and asks to close the project early', async () => {
    const { page, problems } = await as('danwei', desktop);
    await page.goto(`${s.url}/unit?cycle=${cycleId}`);
    const period = page.locator(`#periods article[data-period="${project.id}/p2017-01"]`);
    await period.locator('textarea[name=narrative]').fill('一月份已完成园所布局调研。');
    await period.locator('button[type=submit]').click();
    await flashOk(page);
    await page
      .locator(`#periods article[data-period="${project.id}/p2017-01"]`)
      .waitFor({ state: 'detached' });

    const closure = page.locator(`#closures article[data-closure-item="${project.id}"]`);
    await closure.locator('summary').click();
    await closure.locator('textarea[name=narrative]').fill('各项目标均已提前完成，申请办结。');
    await closure.locator('input[type=file]').setInputFiles({
      name: '验收报告.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% 验收报告\n%%EOF\n'),
    });
    await closure.locator('button[type=submit]').click();
    await page.locator(`#closures [data-closure-pending]`).waitFor();
    await looksRight(page);
    await shot(page, 'unit-supervision', desktop, '2-reported-and-closure-asked');
    expect(problems).toEqual([]);
  });

  it('督导处 records a leader’s instruction on its page and confirms the 销号', async () => {
    const { page, problems } = await as('duchu', desktop);
    await page.goto(`${s.url}/inspector?cycle=${cycleId}`);
    await page.click('a[href="/instructions"]');
    await page.waitForURL(/\/instructions$/);
    const form = page.locator('form[data-action="/api/instructions"]');
    // Dated by the drill cycle's clock (plan time 2017). A deadline before the instruction's date
    // is refused where the person acted.
    await form.locator('select[name=cycleId]').selectOption(cycleId);
    await form.locator('input[name=leader]').fill('王局长');
    await form.locator('input[name=issuedOn]').fill('2017-01-01');
    await form.locator('textarea[name=text]').fill('请牵头两周内拿出普惠性幼儿园扩面方案。');
    await form.locator('select[name=unit]').selectOption(project.unit);
    await form.locator('input[name=deadline]').fill('2016-12-25');
    await form.locator('button[type=submit]').click();
    await expect(form.locator('[data-form-result].error').textContent()).resolves.toContain(
      '办理期限 2016-12-25 早于批示日期 2017-01-01',
    );
    await form.locator('input[name=deadline]').fill('2017-02-28');
    await form.locator('button[type=submit]').click();
    await flashOk(page);
    await page.locator('#instructions tr[data-instruction]', { hasText: '王局长' }).waitFor();
    await expect(page.locator('[data-instruction-counts]').textContent()).resolves.toContain('共 1 件');
    await looksRight(page);
    await shot(page, 'inspector-supervision', desktop, '1-instruction-recorded');

    await page.goto(`${s.url}/inspector?cycle=${cycleId}`);
    const card = page.locator(`article[data-closure^="${project.id}/"]`);
    await card.waitFor();
    await card.locator('button', { hasText: '同意销号' }).click();
    await flashOk(page);
    await waitFor(async () => {
      const unit = await Session.signIn(s.url, 'danwei');
      const items = await unit.json<{ itemId: string; status: string }[]>(`/api/closures?cycle=${cycleId}`);
      return !items.some((i) => i.itemId === project.id && i.status === 'active');
    });
    await shot(page, 'inspector-supervision', desktop, '2-closure-confirmed');
    expect(problems).toEqual([]);
  });

  it.each(WIDTHS)(
    'at $width px: 督导处 lists the ended cycle’s shortfalls and issues the 整改通知',
    async (w) => {
      const { page, problems } = await as('duchu', w);
      const table = page.locator('table.board tbody tr').first();
      await waitFor(async () => {
        await page.goto(`${s.url}/inspector/close-out?cycle=${shortId}`);
        return (await table.count()) > 0;
      }, 60_000);
      await expect(table.textContent()).resolves.toContain('逾期未报送');
      if (w.width > 600) {
        const form = page.locator(`form[data-action="/api/cycles/${shortId}/close-out"]`);
        await form.locator('input[name=deadline]').fill('2018-06-30');
        await form.locator('button[type=submit]').click();
        await flashOk(page);
        // The 整改 read model follows the items' first events: reload until the notice is there.
        await waitFor(async () => {
          await page.reload();
          return (await page.locator('a', { hasText: '下载整改通知（Word）' }).count()) > 0;
        }, 60_000);
        await expect(table.textContent()).resolves.toContain('期限 2018/6/30');
      }
      await looksRight(page);
      await shot(page, 'inspector-supervision', w, '3-close-out');
      expect(problems).toEqual([]);
    },
  );

  it('the unit answers the instruction from its inbox', async () => {
    const { page, problems } = await as('danwei', desktop);
    await page.goto(`${s.url}/unit`);
    const card = page.locator('article[data-inbox$="/reply"]').first();
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain('普惠性幼儿园扩面方案');
    await card.locator('textarea[name=narrative]').fill('方案已报局党委审议。');
    await card.locator('button[type=submit]', { hasText: '报送' }).click();
    await flashOk(page);
    await page.locator('article[data-inbox$="/reply"]', { hasText: '待审核' }).waitFor();
    await looksRight(page);
    await shot(page, 'unit-supervision', desktop, '3-instruction-answered');
    // The 整改 issued above waits in the same inbox, with its own report form.
    await page.locator('article[data-inbox$="/report"]').first().waitFor();
    expect(problems).toEqual([]);
  });
});
