import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { addUser, PASSWORD, Session, startApiStack, type ApiStack } from '../support/api';

const fixture = (...parts: string[]) => path.join(__dirname, '..', 'fixtures', 'plans', ...parts);

interface Preview {
  fileName: string;
  contentHash: string;
  status: 'new' | 'revision' | 'unchanged';
  planId: number | null;
  version: number | null;
  plan: {
    title: string;
    items: { id: string; units: string[]; leadUnits?: string[] }[];
    warnings: { message: string }[];
  };
  diff: {
    added: { text: string }[];
    removed: { text: string }[];
    changed: { fields: string[] }[];
    unchanged: number;
  } | null;
}

/** A revised county table as a CSV: one task reworded, one dropped, one added. */
function revisedCountyCsv(): Uint8Array {
  const rows = [
    '青溪县2025年政府工作报告重点工作任务分解表',
    '序号,重点任务,牵头单位,配合单位,完成时限,分管领导',
    '一、全力以赴稳增长、促发展,,,,,',
    '1,实施重大项目攻坚行动，全年完成固定资产投资增长8%以上，其中工业投资增长10%以上。,县发改局,各乡镇（街道）、各有关单位,年底前,王建国',
    '2,深化“招大引强”。全年引进亿元以上产业项目20个以上。,县商务局、县投资促进中心,县发改局、县经信局,2025年6月底前完成年度招商计划；年底前全面完成,王建国',
    '3,落实结构性减税降费政策，帮助市场主体纾困解难。,县税务局,县财政局,长期坚持,李明',
    '4,开展经济运行监测分析，按时报送主要经济指标。,县统计局,县发改局,每季度,李明',
    '二、持续用力惠民生、增福祉,,,,,',
    '5,新建改扩建中小学、幼儿园6所，新增学位3000个。,县教育局,县住建局、县自然资源和规划局、各乡镇（街道）,2025年8月底前,张丽',
    '6,推进县域医共体建设，县域就诊率达到90%以上。,县卫生健康局,县人民医院、县中医院,2025年9月30日前,张丽',
    '7,报送民生实事项目推进情况。,县政府办公室,各有关单位,每月25日前,张丽',
    '8,实施城乡供水一体化工程。,县水利局,各乡镇（街道）,年底前,张丽',
    '三、纵深推进改革、优化营商环境,,,,,',
    '9,深化“最多跑一次”改革，推进政务服务增值化。,县政务服务中心,县大数据局,2025年第三季度,陈刚',
    '10,推进政务服务“一网通办”，网上办理率达到90%以上。,县政务服务中心,各有关单位,年底前,陈刚',
  ];
  return new TextEncoder().encode(rows.join('\n'));
}

/**
 * 导入规划 over the API and the web workspace, against a real database (and the stack the API runs
 * on): upload → preview with items, warnings and the plan diff → confirm → a new version; only 督导处 and
 * administrators may import; a file changed after its preview and unreadable files are refused.
 */
describe('plan upload: preview, confirm, diff', () => {
  let s: ApiStack;
  let inspector: Session;
  let admin: Session;
  let unit: Session;
  let auditor: Session;

  beforeAll(async () => {
    s = await startApiStack();
    await addUser(s.t.db, 'insp', 'inspector', '督导处');
    await addUser(s.t.db, 'admin2', 'admin');
    await addUser(s.t.db, 'unit', 'unit_staff', '基教处');
    await addUser(s.t.db, 'aud', 'auditor');
    inspector = await Session.signIn(s.url, 'insp');
    admin = await Session.signIn(s.url, 'admin2');
    unit = await Session.signIn(s.url, 'unit');
    auditor = await Session.signIn(s.url, 'aud');
  });
  afterAll(async () => s?.stop());

  const upload = (
    who: Session,
    url: string,
    bytes: Uint8Array,
    name: string,
    fields: Record<string, string> = {},
    csrf = who.csrf,
  ) => {
    const form = new FormData();
    form.append('file', new File([bytes], name));
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    return fetch(`${s.url}${url}`, {
      method: 'POST',
      headers: { cookie: who.cookie, 'x-csrf-token': csrf },
      body: form,
    });
  };
  const file = (...parts: string[]) => new Uint8Array(fs.readFileSync(fixture(...parts)));
  const preview = async (who: Session, bytes: Uint8Array, name: string): Promise<Preview> => {
    const res = await upload(who, '/api/plans/preview', bytes, name);
    expect(res.status).toBe(200);
    return (await res.json()) as Preview;
  };
  const versions = async () => (await s.t.db.selectFrom('plan_versions').select('id').execute()).length;

  it('refuses unit staff and auditors, and changes nothing', async () => {
    const before = await versions();
    for (const who of [unit, auditor]) {
      for (const url of ['/api/plans/preview', '/api/plans/import']) {
        const res = await upload(who, url, file('county-2025-key-tasks.docx'), 'a.docx', {
          contentHash: '0'.repeat(64),
        });
        expect(res.status).toBe(403);
        expect(((await res.json()) as { message: string }).message).toMatch(/无权导入规划/);
      }
    }
    expect(await versions()).toBe(before);
  });

  it('previews a Word task table as a new plan with its items and warnings, writing nothing', async () => {
    const before = await versions();
    const p = await preview(inspector, file('county-2025-key-tasks.docx'), '分解表.docx');
    expect(p).toMatchObject({
      status: 'new',
      planId: null,
      version: null,
      diff: null,
      fileName: '分解表.docx',
    });
    expect(p.plan.title).toBe('青溪县2025年政府工作报告重点工作任务分解表');
    expect(p.plan.items).toHaveLength(10);
    expect(p.plan.items[1]).toMatchObject({ id: '1.2', leadUnits: ['县商务局', '县投资促进中心'] });
    expect(p.plan.warnings.some((w) => /“各有关单位”是泛称/.test(w.message))).toBe(true);
    expect(await versions()).toBe(before);
  });

  it('refuses a confirmation whose file is not the one previewed', async () => {
    const p = await preview(inspector, file('county-2025-key-tasks.docx'), '分解表.docx');
    const res = await upload(admin, '/api/plans/import', revisedCountyCsv(), '分解表.csv', {
      contentHash: p.contentHash,
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toMatch(/与预览时不同/);
  });

  it('imports on confirmation, then previews and imports a revision with its diff', async () => {
    const first = await preview(inspector, file('county-2025-key-tasks.docx'), '分解表.docx');
    const imported = await upload(
      inspector,
      '/api/plans/import',
      file('county-2025-key-tasks.docx'),
      '分解表.docx',
      {
        contentHash: first.contentHash,
      },
    );
    expect(imported.status).toBe(200);
    const result = (await imported.json()) as {
      status: string;
      planId: number;
      version: number;
      itemCount: number;
    };
    expect(result).toMatchObject({ status: 'created', version: 1, itemCount: 10 });

    const again = await preview(inspector, file('county-2025-key-tasks.docx'), '分解表.docx');
    expect(again).toMatchObject({ status: 'unchanged', planId: result.planId, version: 1 });

    const revised = await preview(admin, revisedCountyCsv(), '分解表（修订）.csv');
    expect(revised).toMatchObject({ status: 'revision', planId: result.planId, version: 1 });
    expect(revised.diff!.added.map((i) => i.text)).toEqual(['实施城乡供水一体化工程。']);
    expect(revised.diff!.removed.map((i) => i.text)).toEqual(['开展营商环境评价，补齐短板弱项。']);
    expect(revised.diff!.changed.map((c) => c.fields)).toEqual([['units']]);
    const second = await upload(admin, '/api/plans/import', revisedCountyCsv(), '分解表（修订）.csv', {
      contentHash: revised.contentHash,
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({
      status: 'created',
      planId: result.planId,
      version: 2,
      itemCount: 10,
    });
    const listed =
      await inspector.json<{ planId: number; version: number; sourceName: string }[]>('/api/plans');
    expect(listed.filter((v) => v.planId === result.planId).map((v) => [v.version, v.sourceName])).toEqual([
      [1, '分解表.docx'],
      [2, '分解表（修订）.csv'],
    ]);
    const audit = await s.t.db
      .selectFrom('security_events')
      .select('username')
      .where('kind', '=', 'plan_imported')
      .execute();
    expect(audit.map((a) => a.username).sort()).toEqual(['admin2', 'insp'].sort());
  });

  it('knows the seed as Word, PDF and Excel for the plan already imported from text', async () => {
    const docx = await preview(inspector, file('quzhou-seed.docx'), 'seed.docx');
    expect(docx.status).toBe('unchanged');
    for (const name of ['quzhou-seed.pdf', 'quzhou-seed.xlsx']) {
      const p = await preview(inspector, file(name), name);
      // Re-laid out, so not the same text; item for item, the same plan.
      expect(p.plan.items).toHaveLength(82);
      if (p.status === 'revision')
        expect(p.diff).toMatchObject({ added: [], removed: [], changed: [], unchanged: 82 });
      else expect(p.status).toBe('unchanged');
    }
  });

  it.each([
    ['legacy.doc', /旧版 Word 文档/],
    ['encrypted.docx', /设有打开密码/],
    ['scanned.pdf', /没有文字层/],
    ['wrong-header.xlsx', /表头中没有可识别的列/],
  ])('refuses %s with a Chinese message', async (name, message) => {
    const res = await upload(inspector, '/api/plans/preview', file('bad', name), name);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('unreadable_plan');
    expect(body.message).toMatch(message);
  });

  describe('web workspace', () => {
    const page = (who: Session, url: string) =>
      fetch(`${s.url}${url}`, { headers: { cookie: who.cookie }, redirect: 'manual' });

    it('shows 导入规划 to 督导处 and administrators only', async () => {
      const res = await page(inspector, '/plans');
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain('data-plan-preview');
      expect(body).toContain('青溪县2025年政府工作报告重点工作任务分解表');
      expect((await page(admin, '/plans')).status).toBe(200);
      expect((await page(unit, '/plans')).status).toBe(403);
      expect(await (await page(admin, '/admin')).text()).toContain('href="/plans"');
    });

    it('renders the preview: status, every item with its units and place, warnings and the diff', async () => {
      const res = await upload(inspector, '/plans/preview', revisedCountyCsv(), '分解表（再修订）.csv');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('data-plan-status="unchanged"');
      const docx = await (
        await upload(inspector, '/plans/preview', file('county-2025-key-tasks.docx'), 'a.docx')
      ).text();
      expect(docx).toContain('data-plan-status="revision"');
      expect(docx).toContain('与第 2 版相比');
      expect(docx).toContain('data-plan-import');
      expect((docx.match(/<tr data-item=/g) ?? []).length).toBe(10);
      expect(docx).toContain('<td>县商务局、县投资促进中心</td>');
      expect(docx).toContain('表 1 第 4 行第 2 列');
      expect(docx).toContain('是泛称');
    });

    it('refuses a preview without the CSRF header, and a unit role', async () => {
      const res = await upload(
        inspector,
        '/plans/preview',
        file('county-2025-key-tasks.docx'),
        'a.docx',
        {},
        'wrong',
      );
      expect(res.status).toBe(403);
      expect(
        (await upload(unit, '/plans/preview', file('county-2025-key-tasks.docx'), 'a.docx')).status,
      ).toBe(403);
    });
  });

  it('in Chromium: choose a file, review the preview, confirm the import', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    try {
      const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${s.url}/signin`);
      await page.fill('input[name=username]', 'insp');
      await page.fill('input[name=password]', PASSWORD);
      await page.click('form[data-signin] button');
      await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
      await page.goto(`${s.url}/plans`);
      await page
        .locator('form[data-plan-preview] input[type=file]')
        .setInputFiles(fixture('city-livelihood-tasks.gbk.csv'));
      await page.click('form[data-plan-preview] button[type=submit]');
      await page.locator('[data-plan-status="new"]').waitFor();
      expect(await page.locator('[data-plan-items] tr[data-item]').count()).toBe(4);
      expect(await page.locator('[data-plan-warnings]').textContent()).toContain('GBK 编码');
      await page.click('button[data-plan-import]');
      await page.locator('[data-flash].ok').waitFor();
      expect(await page.locator('[data-flash]').textContent()).toMatch(/已导入第 1 版/);
      await page.locator('#plan-versions', { hasText: '某市2024年民生实事项目任务分工表' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
