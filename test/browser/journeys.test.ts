import path from 'node:path';
import type { Browser } from 'playwright-core';
import { addUser, Session, startApiStack, type ApiStack } from '../support/api';
import { waitFor } from '../support/wait';
import { flashOk, launch, looksRight, shot, signIn, WIDTHS, type Person, type Width } from './support';

/**
 * Each role's journey through the web workspace in Debian's chromium, at 1400 px and at 390 px,
 * against the real stack: what a person sees (screenshots under artifacts/screenshots/), that it is
 * Chinese, fits the screen, passes an accessibility scan, and that every action works or is refused
 * with its reason shown where the person acted.
 */
const seedPlan = path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt');

describe('web journeys in Chromium', () => {
  let s: ApiStack;
  let browser: Browser;
  const main = `main${Date.now().toString(36)}`;
  const old = `old${Date.now().toString(36)}`;
  /** Projects of the main cycle: a reviewed one, one with an extension request, two left alone. */
  let reviewed: { id: string; lead: string; co: string; milestoneId: string };
  let extended: { id: string; lead: string; milestoneId: string };
  let others: string[];
  let submitLeadReport: () => Promise<void>;
  const people: Person[] = [];

  beforeAll(async () => {
    s = await startApiStack();
    const majors = await s.t.db
      .selectFrom('plan_items')
      .select(['item_id', 'units'])
      .where('kind', '=', 'major_project')
      .orderBy('item_id')
      .execute();
    const withCo = majors.find((m) => m.units.length >= 2)!;
    const rest = majors.filter((m) => m.item_id !== withCo.item_id && m.units[0] !== withCo.units[0]);
    const ext = rest.find((m) => m.units[0] !== withCo.units[1])!;
    others = rest
      .filter((m) => m.item_id !== ext.item_id)
      .map((m) => m.item_id)
      .slice(0, 3);
    await addUser(s.t.db, 'duchu', 'inspector', '督导处');
    await addUser(s.t.db, 'qiantou', 'unit_staff', withCo.units[0]!);
    await addUser(s.t.db, 'peihe', 'unit_staff', withCo.units[1]!);
    await addUser(s.t.db, 'yanqi', 'unit_staff', ext.units[0]!);
    await addUser(s.t.db, 'shenji', 'auditor');
    await addUser(s.t.db, 'guanli', 'admin');

    // The state a working office is in: a cycle under way with a report to review and an extension
    // request waiting, and a finished (cancelled) cycle kept for reference.
    const inspector = await Session.signIn(s.url, 'duchu');
    const start = async (cycleId: string, itemIds: string[]) => {
      const res = await inspector.post('/api/cycles', {
        name: `浏览器旅程 ${cycleId}`,
        cycleId,
        year: 2017,
        scope: { kinds: ['major_project'], itemIds },
        // One plan year per hour: no deadline passes while the browser acts.
        drill: { yearSeconds: 3600 },
      });
      if (res.status !== 200) throw new Error(`start ${cycleId}: ${await res.text()}`);
    };
    await start(main, [withCo.item_id, ext.item_id, ...others]);
    await start(old, others.slice(0, 2));
    /** The unit's open step on one project, once the project workflow has assigned it. */
    const stepOf = async (session: Session, itemId: string) => {
      let step: { itemId: string; milestoneId: string } | undefined;
      await waitFor(async () => {
        const items = await session.json<{ itemId: string; milestoneId: string }[]>(
          `/api/inbox?cycle=${main}`,
        );
        step = items.find((i) => i.itemId === itemId);
        return step !== undefined;
      });
      return step!;
    };
    const lead = await Session.signIn(s.url, 'qiantou');
    reviewed = {
      id: withCo.item_id,
      lead: withCo.units[0]!,
      co: withCo.units[1]!,
      milestoneId: (await stepOf(lead, withCo.item_id)).milestoneId,
    };
    // The lead reports once the co-unit has had its turn in the browser (see 督导处 below).
    submitLeadReport = async () => {
      const sent = await lead.post('/api/actions/submit', {
        cycleId: main,
        ref: reviewed.milestoneId,
        narrative: '年度任务已完成，覆盖面达到既定目标。',
      });
      if (sent.status !== 200) throw new Error(`submit: ${await sent.text()}`);
    };
    const asker = await Session.signIn(s.url, 'yanqi');
    const extItem = await stepOf(asker, ext.item_id);
    const asked = await asker.post('/api/actions/request-extension', {
      cycleId: main,
      milestoneId: extItem.milestoneId,
      reason: '受场地建设进度影响，需顺延。',
      requestedDueAt: '2018-01-05T15:59:59.000Z',
    });
    if (asked.status !== 200) throw new Error(`extension: ${await asked.text()}`);
    extended = { id: ext.item_id, lead: ext.units[0]!, milestoneId: extItem.milestoneId };
    await waitFor(async () => (await inspector.json<unknown[]>(`/api/board?cycle=${old}`)).length === 2);
    const cancelled = await inspector.post(`/api/cycles/${old}/cancel`, { reason: '演练结束' });
    if (cancelled.status !== 200) throw new Error(`cancel: ${await cancelled.text()}`);
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

  // Role by role, each at both widths: a later role's actions never take away an earlier one's work.
  describe('a unit', () => {
    it.each(WIDTHS)(
      'at $width px: the inbox with its own deadlines, Chinese upload, a contribution sent',
      async (w) => {
        const co = await as('peihe', w);
        const { page } = co;
        expect(new URL(page.url()).pathname).toBe('/unit');
        const card = page.locator(`article[data-inbox*="/co:"]`).first();
        await card.waitFor();
        // A co-unit's earlier deadline is explained, never shown as if an extension were granted.
        await expect(card.textContent()).resolves.toContain('配合单位须在牵头单位报送前提交材料');
        await expect(card.textContent()).resolves.not.toContain('原定');
        await looksRight(page);
        await shot(page, 'unit', w, '1-inbox');
        if (w.width > 600) {
          const form = card.locator('form[data-submit]');
          await expect(form.locator('.file-button').textContent()).resolves.toContain('选择佐证材料');
          await form.locator('textarea[name=narrative]').fill('已提供本单位配合材料。');
          await form.locator('input[type=file]').setInputFiles({
            name: '配合材料.pdf',
            mimeType: 'application/pdf',
            buffer: Buffer.from('%PDF-1.4\n% 配合材料\n%%EOF\n'),
          });
          await expect(form.locator('[data-file-names]').textContent()).resolves.toContain('配合材料.pdf');
          await form.locator('button[type=submit]').click();
          await flashOk(page);
          await page.locator(`article[data-inbox*="/co:"]`, { hasText: '已报送配合材料' }).waitFor();
          await shot(page, 'unit', w, '2-contributed');
        }
        expect(co.problems).toEqual([]);
      },
    );
  });

  describe('督导处', () => {
    beforeAll(() => submitLeadReport());
    it.each(WIDTHS)(
      'at $width px: tiles, a full-width board to filter and sort, review with refusal in place, 转办, detail, finished cycle',
      async (w) => {
        const inspector = await as('duchu', w);
        const { page } = inspector;
        expect(new URL(page.url()).pathname).toBe('/inspector');
        await page.goto(`${s.url}/inspector?cycle=${main}`);
        const rows = page.locator('#board tr[data-project]');
        await waitFor(async () => (await rows.count()) === 2 + others.length);
        await expect(page.locator('.tile.total .n').textContent()).resolves.toBe(String(2 + others.length));
        await looksRight(page);
        await shot(page, 'inspector', w, '1-board');

        // Live: a change made elsewhere (here through the API) reaches the open board by push.
        await page.locator('html[data-live-mode="push"]').waitFor({ state: 'attached' });
        const elsewhere = await Session.signIn(s.url, 'duchu');
        const change = { cycleId: main, itemId: others[2]!, reason: '另一位督导处同事暂停' };
        expect((await elsewhere.post('/api/actions/suspend', change)).status).toBe(200);
        await page.locator(`#board tr[data-project="${others[2]}"][data-status="suspended"]`).waitFor();
        expect((await elsewhere.post('/api/actions/resume', change)).status).toBe(200);
        await page.locator(`#board tr[data-project="${others[2]}"][data-status="active"]`).waitFor();

        // Filters: by the reviewed project's co-unit, then the review tile, then sorting by number.
        await page.selectOption('[data-filter=unit]', reviewed.co);
        await expect(page.locator('[data-filter-count]').textContent()).resolves.toMatch(/显示 \d+ \//);
        expect(await page.locator(`#board tr[data-project="${reviewed.id}"]`).isVisible()).toBe(true);
        const visible = () =>
          page
            .locator('#board tr[data-project]:not([hidden])')
            .evaluateAll((r) => r.map((x) => x.getAttribute('data-project')));
        const inReview = await page
          .locator('#board tr[data-review="1"]')
          .evaluateAll((r) => r.map((x) => x.getAttribute('data-project')));
        if (w.width > 600) expect([...inReview].sort()).toEqual([reviewed.id, extended.id].sort());
        await page.click('.tile.review button');
        await expect(visible()).resolves.toEqual(inReview);
        if (w.width > 600) {
          // Column headers sort (twice: descending).
          await page.click('button[data-sort=id]');
          await page.click('button[data-sort=id]');
          const sorted = await visible();
          expect(sorted).toEqual([...sorted].sort().reverse());
        } else {
          // On the phone the board is a list of cards: a select sorts it, red first.
          await page.selectOption('[data-sort-select]', 'rag:number');
          const colours = await page
            .locator('#board tr[data-project]:not([hidden])')
            .evaluateAll((r) => r.map((x) => x.getAttribute('data-rag')));
          const order = { red: 0, amber: 1, green: 2 } as Record<string, number>;
          expect(colours).toEqual([...colours].sort((a, b) => order[a!]! - order[b!]!));
        }
        await page.click('form[data-board-filters] button[type=reset]');
        await waitFor(async () => (await visible()).length === 2 + others.length);

        if (w.width > 600) {
          // Returning without a comment is refused, and the reason appears in the card itself.
          const review = page.locator(`article[data-review="${reviewed.milestoneId}"]`);
          await review.locator('button', { hasText: '退回重办' }).click();
          await expect(review.locator('[data-form-result].error').textContent()).resolves.toContain(
            '未能办理：退回重办须填写审核意见',
          );
          await shot(page, 'inspector', w, '2-refusal-in-place');
          await review.locator('textarea[name=comment]').fill('同意。');
          await review.locator('button', { hasText: '审核通过' }).click();
          await flashOk(page);
          const ext = page.locator(`article[data-extension]`).first();
          await ext.locator('button', { hasText: '同意延期' }).click();
          await page.locator('#queue', { hasText: '暂无待审批的延期申请' }).waitFor();

          // 转办 on a project nobody touched: the lead assignment goes to another unit.
          await page.goto(`${s.url}/projects/${main}/${encodeURIComponent(others[0]!)}`);
          const reassign = page.locator('tr[data-assignment$="/lead"] details').first();
          await reassign.locator('summary').click();
          const select = reassign.locator('select[name=toUnit]');
          const target = await select.locator('option').nth(1).getAttribute('value');
          await select.selectOption(target!);
          await reassign.locator('input[name=reason]').fill('职能调整，改由该单位牵头。');
          await reassign.locator('button[type=submit]').click();
          await flashOk(page);
          await page.locator(`tr[data-assignment] td.unit`, { hasText: target! }).first().waitFor();

          // The reviewed project: both deadlines, units, the report against its targets, the timeline.
          await page.goto(`${s.url}/projects/${main}/${encodeURIComponent(reviewed.id)}`);
          await expect(page.locator('#milestones').textContent()).resolves.toContain('原定期限');
          await expect(page.locator('#milestones').textContent()).resolves.toContain('已办结');
          await page.locator('#timeline tr[data-event="ReportApproved"]').waitFor();
          await looksRight(page);
          await shot(page, 'inspector', w, '3-project-detail');

          await page.goto(`${s.url}/inspector?cycle=${main}`);
          await page.emulateMedia({ media: 'print' });
          await shot(page, 'inspector', w, '4-board-print');
          await page.emulateMedia({ media: 'screen' });
        } else {
          // On the phone: pause a project's supervision, then resume it, confirming each.
          await page.goto(`${s.url}/projects/${main}/${encodeURIComponent(others[1]!)}`);
          await page.locator('#project-actions input[name=reason]').first().fill('等待上级批复。');
          await page.locator('#project-actions button', { hasText: '暂停督办' }).click();
          await page.locator('[data-project-status="suspended"]').waitFor();
          await shot(page, 'inspector', w, '2-project-suspended');
          await page.locator('#project-actions input[name=reason]').first().fill('已批复。');
          await page.locator('#project-actions button', { hasText: '恢复督办' }).click();
          await page.locator('[data-project-status="active"]').waitFor();
          await looksRight(page);
        }

        // A finished cycle stays browsable: its projects as they ended.
        await page.goto(`${s.url}/inspector?cycle=${old}`);
        await page.locator('#board tr[data-project]').first().waitFor();
        await expect(page.locator('#board').textContent()).resolves.toContain('已撤销');
        await expect(page.locator('main').textContent()).resolves.toContain('该周期已结束');
        await shot(page, 'inspector', w, '5-finished-cycle');
        expect(inspector.problems).toEqual([]);
      },
    );
  });

  describe('the administrator', () => {
    it.each(WIDTHS)(
      'at $width px: accounts, one-time passwords and tokens, the security log, the board read-only',
      async (w) => {
        const admin = await as('guanli', w);
        const { page } = admin;
        expect(new URL(page.url()).pathname).toBe('/admin');
        const username = `xin${w.width}`;
        const add = page.locator('form[data-action="/api/admin/users"]');
        await add.locator('input[name=username]').fill(username);
        await add.locator('input[name=displayName]').fill('新同事');
        await add.locator('select[name=role]').selectOption('unit_staff');
        await add.locator('select[name=unit]').selectOption(reviewed.lead);
        await add.locator('button[type=submit]').click();
        await page.locator('[data-secret]', { hasText: `账号 ${username} 的一次性密码` }).waitFor();
        const row = page.locator(`tr[data-user="${username}"]`);
        await row.waitFor();
        await row.locator('button', { hasText: '重置密码' }).click();
        await page.locator('[data-secret]', { hasText: '一次性密码' }).waitFor();
        await row.locator('button', { hasText: '停用' }).click();
        await page.locator(`tr[data-user="${username}"]`, { hasText: '已停用' }).waitFor();

        const token = page.locator('form[data-action="/api/admin/tokens"]');
        await token.locator('select[name=username]').selectOption('duchu');
        await token.locator('input[name=label]').fill(`对接脚本${w.width}`);
        await token.locator('button[type=submit]').click();
        await page.locator('[data-secret]', { hasText: 'ddt_' }).waitFor();
        const issued = page.locator('tr[data-token]', { hasText: `对接脚本${w.width}` });
        await issued.locator('button', { hasText: '吊销' }).click();
        await page
          .locator('tr[data-token]', { hasText: `对接脚本${w.width}` })
          .filter({ hasText: '已吊销' })
          .waitFor();
        await page.reload();
        await expect(page.locator('#security-log').textContent()).resolves.toContain('签发令牌');
        await looksRight(page);
        await shot(page, 'admin', w, '1-accounts');

        await page.goto(`${s.url}/board?cycle=${main}`);
        await page.locator('#board tr[data-project]').first().waitFor();
        expect(await page.locator('form[data-action]').count()).toBe(0);
        await looksRight(page);
        await shot(page, 'admin', w, '2-board-read-only');

        // 导入规划: a Chinese file button, and the file previewed before anything is imported.
        await page.goto(`${s.url}/plans`);
        const upload = page.locator('form[data-plan-preview]');
        await expect(upload.locator('.file-button').textContent()).resolves.toContain('选择规划文件');
        await upload.locator('button[type=submit]').click();
        await page.locator('[data-flash].error', { hasText: '请选择要导入的规划文件' }).waitFor();
        await upload.locator('input[type=file]').setInputFiles(seedPlan);
        await upload.locator('button[type=submit]').click();
        await page.locator('[data-plan-preview-result] [data-plan-status="unchanged"]').waitFor();
        await looksRight(page);
        await shot(page, 'admin', w, '3-plan-preview');
        await page.goto(`${s.url}/auditor?cycle=${main}`);
        await page.locator('#projects').waitFor();
        expect(admin.problems).toEqual([]);
      },
    );
  });

  describe('the auditor', () => {
    it.each(WIDTHS)('at $width px: a project timeline verified, the board read-only', async (w) => {
      const auditor = await as('shenji', w);
      const { page } = auditor;
      expect(new URL(page.url()).pathname).toBe('/auditor');
      await page.goto(`${s.url}/auditor?cycle=${main}&item=${encodeURIComponent(reviewed.id)}`);
      await expect(page.locator('[data-verdict]').textContent()).resolves.toContain('校验通过');
      await looksRight(page);
      await shot(page, 'auditor', w, '1-timeline');
      await page.goto(`${s.url}/board?cycle=${main}`);
      await page.locator('#board tr[data-project]').first().waitFor();
      expect(await page.locator('form[data-action]').count()).toBe(0);
      await shot(page, 'auditor', w, '2-board-read-only');
      expect(auditor.problems).toEqual([]);
    });
  });
});
