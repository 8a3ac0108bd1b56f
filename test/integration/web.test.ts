import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { addUser, PASSWORD, startApiStack, type ApiStack } from '../support/api';
import { readStream } from '../../db/event-store';
import { cycleWorkflowId, projectWorkflowId } from '../../workflows/ids';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = path.join(__dirname, '..', '..', 'artifacts', 'web');

/**
 * The three roles' main path in a real browser against the real stack: 督导处 starts a cycle from
 * the imported plan, the lead unit submits with evidence, 督导处 returns it, the unit resubmits,
 * 督导处 approves, and the auditor reads the timeline with its verify verdict.
 */
describe('web workspace in Chromium', () => {
  let s: ApiStack;
  let browser: Browser;
  let item: { id: string; units: string[] };
  const cycleId = `web-${Date.now().toString(36)}`;
  const errors: string[] = [];

  beforeAll(async () => {
    s = await startApiStack();
    const majors = await s.t.db
      .selectFrom('plan_items')
      .select(['item_id', 'units'])
      .where('kind', '=', 'major_project')
      .execute();
    const picked = majors.find((p) => p.units.length >= 1)!;
    item = { id: picked.item_id, units: picked.units };
    await addUser(s.t.db, 'duchu', 'inspector', '督导处');
    await addUser(s.t.db, 'danwei', 'unit_staff', item.units[0]!);
    await addUser(s.t.db, 'shenji', 'auditor');
    fs.mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  async function signIn(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (e) => errors.push(`${username}: ${e.message}`));
    page.on('response', (r) => r.status() >= 400 && errors.push(`${username}: ${r.status()} ${r.url()}`));
    page.on('console', (m) => m.type() === 'error' && errors.push(`${username}: ${m.text()}`));
    // Actions ask to confirm: the person says yes.
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${s.url}/`);
    await page.waitForURL(/\/signin$/);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('form[data-signin] button');
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
    return page;
  }
  // A full-page screenshot resizes the viewport for a moment: let layout settle before the next click.
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  };
  const flashOk = (page: Page) => page.locator('[data-flash].ok').waitFor();

  it('inspector starts, unit submits, inspector returns, unit resubmits, inspector approves, auditor sees the timeline', async () => {
    const inspector = await signIn('duchu');
    expect(new URL(inspector.url()).pathname).toBe('/inspector');
    await inspector.fill('#start input[name=name]', '2017年度重大项目专项督导（浏览器测试）');
    await inspector.fill('#start input[name=cycleId]', cycleId);
    await inspector.fill('#start input[name=year]', '2017');
    await inspector.click('#start details summary');
    await inspector.check(`#start input[name="scope.itemIds"][value="${item.id}"]`);
    // A slow drill calendar: one plan year per hour, so no deadline passes while the browser acts.
    await inspector.fill('#start input[name="drill.yearSeconds"]', '3600');
    await shot(inspector, '1-inspector-start-form');
    await inspector.click('#start button[type=submit]');
    await inspector.click('#start button[type=submit]');
    await inspector.waitForURL(new RegExp(`/inspector\\?cycle=${cycleId}$`));
    await inspector.locator(`#board tr[data-project="${item.id}"]`).waitFor();
    await shot(inspector, '2-inspector-board');

    const unit = await signIn('danwei');
    expect(new URL(unit.url()).pathname).toBe('/unit');
    const card = unit.locator('article[data-inbox]').first();
    await card.waitFor();
    const milestoneId = await card.getAttribute('data-inbox');
    const evidence = path.join(artifacts, '佐证材料.pdf');
    fs.writeFileSync(evidence, '%PDF-1.4\n% 佐证材料（测试）\n%%EOF\n');
    const submit = async (narrative: string) => {
      const form = unit.locator(`article[data-inbox="${milestoneId}"] form[data-submit]`);
      for (const input of await form.locator('input[data-type=value]').all()) await input.fill('85');
      await form.locator('textarea[name=narrative]').fill(narrative);
      await form.locator('input[type=file]').setInputFiles(evidence);
      await form.locator('button[type=submit]').click();
      await flashOk(unit);
    };
    await submit('已完成年度任务，覆盖面达到85%。');
    await shot(unit, '3-unit-submitted');

    const review = inspector.locator(`article[data-review="${milestoneId}"]`);
    await review.waitFor();
    await expect(review.locator('a', { hasText: '佐证材料.pdf' }).count()).resolves.toBe(1);
    await review.locator('textarea[name=comment]').fill('佐证材料不完整，请补充各县数据。');
    await review.locator('button', { hasText: '退回重办' }).click();
    await flashOk(inspector);
    await shot(inspector, '4-inspector-returned');

    await unit
      .locator(`article[data-inbox="${milestoneId}"] [data-return-comment]`, { hasText: '请补充各县数据' })
      .waitFor();
    await shot(unit, '5-unit-sees-return');
    await submit('已补充各县数据。');

    const again = inspector.locator(`article[data-review="${milestoneId}"]`);
    await again.locator('text=第2轮').waitFor();
    await again.locator('textarea[name=comment]').fill('同意。');
    await again.locator('button', { hasText: '审核通过' }).click();
    await flashOk(inspector);
    await shot(inspector, '6-inspector-approved');

    const auditor = await signIn('shenji');
    expect(new URL(auditor.url()).pathname).toBe('/auditor');
    await auditor.goto(`${s.url}/auditor?cycle=${cycleId}&item=${encodeURIComponent(item.id)}`);
    await expect(auditor.locator('[data-verdict]').textContent()).resolves.toContain('校验通过');
    const shown = await auditor
      .locator('#timeline tr[data-event]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event')));
    expect(shown).toEqual(expect.arrayContaining(['ReportSubmitted', 'ReportReturned', 'ReportApproved']));
    await shot(auditor, '7-auditor-timeline');
    const download = auditor.waitForEvent('download');
    await auditor.locator('#reports a', { hasText: 'CSV' }).first().click();
    expect((await download).suggestedFilename()).toMatch(/\.csv$/);
    // The plan review in Word, at the stage picked.
    const planReview = auditor.waitForEvent('download');
    await auditor.locator('#reports a', { hasText: '终期评估（Word）' }).click();
    expect((await planReview).suggestedFilename()).toBe('终期评估.docx');
    // The whole cycle checked from the page: progress, then the verdict.
    await auditor.locator('[data-audit-check]').click();
    await expect(auditor.locator('[data-cycle-verdict]').textContent({ timeout: 60_000 })).resolves.toContain(
      '核对通过',
    );
    await shot(auditor, '8-auditor-cycle-check');
    const bundle = auditor.waitForEvent('download');
    await auditor.locator('#audit-check a[download]').click();
    expect((await bundle).suggestedFilename()).toBe(`dudao-audit-${cycleId}.tar.gz`);

    const recorded = await readStream(s.t.db, projectWorkflowId(cycleWorkflowId(cycleId), item.id));
    const actors = recorded
      .filter((e) => e.type.startsWith('Report'))
      .map((e) => `${e.type}:${e.actor.userId}`);
    expect(actors).toEqual([
      'ReportSubmitted:danwei',
      'ReportReturned:duchu',
      'ReportSubmitted:danwei',
      'ReportApproved:duchu',
    ]);
    expect(errors).toEqual([]);
  });

  it('keeps a unit user out of the 督导处 workspace', async () => {
    const unit = await signIn('danwei');
    const res = await unit.goto(`${s.url}/inspector`);
    expect(res?.status()).toBe(403);
  });
});
