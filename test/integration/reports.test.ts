import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { sql } from 'kysely';
import {
  assessmentReport,
  cycleReport,
  noticesReport,
  overdueReport,
  reworkReport,
  targetsReport,
  unitsReport,
} from '../../reports/builders';
import { renderCsv } from '../../reports/render-csv';
import { renderHtml } from '../../reports/render-html';
import { renderTerminal } from '../../reports/render-terminal';
import { renderXlsx } from '../../reports/render-xlsx';
import { freshDatabase, type TestDatabase } from '../support/db';
import { appendInOrder, demoCycle } from '../support/event-builder';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = path.join(__dirname, '..', '..', 'artifacts');

describe('reports on the demo cycle', () => {
  let t: TestDatabase;
  const scope = { schema: 'public', cycleId: 'c2017', at: '2017-09-01T00:00:00.000Z' };

  beforeAll(async () => {
    t = await freshDatabase();
    await appendInOrder(t.db, demoCycle().events);
    // The notifier's record of delivering one 督办 notice: failed once, then delivered and opened
    // 1 hour 30 minutes after it was issued, by 规划处's 王五 in the web workspace.
    await sql`INSERT INTO notification_attempts (notification_id, attempted_at, status, ok, detail) VALUES
      ('n-p3-e1', '2017-07-01T01:00:00Z', 'failed', false, '网关超时'),
      ('n-p3-e1', '2017-07-01T01:05:00Z', 'delivered', true, '200')`.execute(t.db);
    await sql`UPDATE notifications SET status = 'delivered', attempts = 2, created_at = '2017-07-01T00:30:00Z',
      delivered_at = '2017-07-01T01:05:00Z', opened_at = '2017-07-01T02:00:00Z'
      WHERE notification_id = 'n-p3-e1'`.execute(t.db);
    await sql`INSERT INTO notification_reads (notification_id, unit, username, role, via, opened_at) VALUES
      ('n-p3-e1', '规划处', '王五', 'unit_staff', 'web', '2017-07-01T02:00:00Z'),
      ('n-p3-e1', '规划处', '赵六', 'unit_head', 'api', '2017-07-02T02:00:00Z')`.execute(t.db);
  });
  afterAll(async () => t.drop());

  it('scores units against the original deadline', async () => {
    expect(renderCsv(await unitsReport(t.db, scope))).toBe(
      '\ufeff' +
        [
          '责任单位,承办事项,已报送,按时报送,逾期报送,逾期未报,按时报送率,退回次数,督办次数,定期反馈未报,目标达标',
          '基教处,1,1,1,0,0,100.0%,1,0,0,1/1',
          '职成处,1,1,1,0,0,100.0%,0,0,0,0/0',
          '规划处,2,1,0,1,1,0.0%,0,2,0,0/1',
        ].join('\r\n') +
        '\r\n',
    );
  });

  it('ranks the assessment with the scoring policy in the footer and each unit’s deductions itemised', async () => {
    const report = await assessmentReport(t.db, scope);
    expect(renderCsv({ ...report, tables: report.tables.slice(0, 1) })).toBe(
      '\ufeff' +
        [
          '名次,责任单位,得分,等次,按时报送率,逾期件数,退回次数,督办级数,定期反馈未报,目标达标数,目标未达标数',
          '1,职成处,100,好,100.0%,0,0,0,0,0,0',
          '2,基教处,99,好,100.0%,0,1,0,0,1,0',
          '3,规划处,81,较好,0.0%,2,0,2,0,0,1',
        ].join('\r\n') +
        '\r\n',
    );
    // The cycle was started before the rules were part of its policy: it is scored by the defaults.
    expect(report.tables[1]!.rows).toEqual([
      { unit: '职成处', item: '无扣分，得基础分100分', count: null, points: 0 },
      { unit: '基教处', item: '退回重办', count: 1, points: -3 },
      { unit: '基教处', item: '目标值达标（加分）', count: 1, points: 2 },
      { unit: '规划处', item: '逾期报送或逾期未报', count: 2, points: -10 },
      { unit: '规划处', item: '督办升级', count: 2, points: -4 },
      { unit: '规划处', item: '目标值未达标', count: 1, points: -5 },
    ]);
    expect(report.footer.join('\n')).toMatch(/基础分100分.*按原定期限.*未达标扣5分/);
  });

  it('lists overdue work with its escalation level', async () => {
    expect(renderCsv(await overdueReport(t.db, scope))).toBe(
      '\ufeff' +
        [
          '项目,节点,责任单位,分工,办理状态,期限,原定期限,逾期天数,督办级别',
          '中小学校舍建设工程,到2017年达到目标,规划处,牵头,已签收,2017-06-30,2017-06-30,62,2级督办',
        ].join('\r\n') +
        '\r\n',
    );
  });

  it('shows returns with their reasons and target progress', async () => {
    expect(renderCsv(await reworkReport(t.db, scope))).toBe(
      '\ufeff' +
        [
          '退回明细',
          '责任单位,项目,节点,报送轮次,退回理由,退回日期,累计报送轮次,当前状态',
          '基教处,学前教育三年行动计划,p1/m1,1,佐证材料不足，请补充入园统计表,2017-06-27,2,已办结',
          '',
          '各单位退回次数',
          '责任单位,退回次数',
          '基教处,1',
        ].join('\r\n') +
        '\r\n',
    );
    expect(renderCsv(await targetsReport(t.db, scope))).toBe(
      '\ufeff' +
        [
          '项目,节点,指标,目标值,报送值,是否达标',
          '学前教育三年行动计划,p1/m1,学前三年毛入园率,>=97%,97.5,是',
          '义务教育均衡发展,p2/m1,义务教育巩固率,>=90%,80,否',
          '中小学校舍建设工程,p3/m1,新建校舍面积,>=12万平方米,,待审定',
        ].join('\r\n') +
        '\r\n',
    );
  });

  it('settles "we were never told" from the delivery record', async () => {
    const rows = (await noticesReport(t.db, scope)).tables[1]!.rows;
    const e1 = rows.find((r) => r.notification_id === 'n-p3-e1')!;
    expect(e1).toMatchObject({
      kind: '1级督办',
      unit: '规划处',
      status: '已送达',
      opened: '2017-07-01T02:00:00.000Z',
      opened_by: '王五',
      unread_for: '1小时30分后查阅',
    });
    expect(e1.attempts).toMatch(/^第1次 .*失败（网关超时）；第2次 .*成功/);
    expect(rows).toHaveLength(5);
    // The others were never opened: they are still unread, counting from when they were issued.
    expect(rows.filter((r) => r.opened === '未查阅').map((r) => r.unread_for)).toEqual(
      Array(4).fill(expect.stringMatching(/（仍未读）$/)),
    );
  });

  it('shows unread notices per unit and how long they stayed unread', async () => {
    const [byUnit] = (await noticesReport(t.db, scope)).tables;
    expect(byUnit!.title).toBe('各单位通知查阅情况');
    // Units in pinyin order. The unread notices were issued moments ago (created by this test), so
    // 规划处's longest wait is the notice it opened after 1 hour 30 minutes.
    expect(byUnit!.rows).toEqual([
      { unit: '规划处', notices: 4, opened: 1, unread: 3, average: '1小时30分', longest: '1小时30分' },
      {
        unit: '基教处',
        notices: 1,
        opened: 0,
        unread: 1,
        average: '—',
        longest: expect.stringMatching(/^\d+分（仍未读）$/),
      },
    ]);
  });

  it('renders the cycle summary for the terminal and as a workbook', async () => {
    const report = await cycleReport(t.db, scope);
    const text = renderTerminal(report);
    expect(text).toContain('2017年度重大项目专项督导情况汇总');
    expect(text).toMatch(/中小学校舍建设工程\s+财务处\s+推进中\s+红灯\s+已逾期/);
    const xlsx = await renderXlsx(report);
    expect(xlsx.subarray(0, 2).toString()).toBe('PK');
  });

  it('opens the HTML report in headless Chromium with every chart drawn', async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`未找到 ${CHROMIUM}：请先安装 Debian 的 chromium 包（apt-get install -y chromium）`);
    }
    fs.mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, 'report-cycle-c2017.html');
    fs.writeFileSync(file, renderHtml(await cycleReport(t.db, scope)));
    const browser = await chromium.launch({
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
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${file}`);
      const charts = await page.$$eval('figure.chart', (figs) =>
        figs.map((f) => {
          const box = f.querySelector('svg')!.getBoundingClientRect();
          return {
            kind: f.getAttribute('data-chart'),
            width: box.width,
            height: box.height,
            marks: f.querySelectorAll('g').length,
          };
        }),
      );
      expect(charts.map((c) => c.kind)).toEqual(['rag-board', 'bars', 'bars', 'timeline']);
      for (const chart of charts) {
        expect(chart.width).toBeGreaterThan(100);
        expect(chart.height).toBeGreaterThan(20);
        expect(chart.marks).toBeGreaterThan(0);
      }
      expect(await page.$$eval('g.rag', (gs) => gs.map((g) => g.getAttribute('data-rag')))).toEqual([
        'red',
        'red',
        'green',
        'none',
      ]);
      expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
      await page.screenshot({ path: path.join(artifacts, 'report-cycle-c2017.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
