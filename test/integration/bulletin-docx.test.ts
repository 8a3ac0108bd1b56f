/**
 * The 考核结果通报 as a Word document (issue 15, item 4): the document's text and structure, read back
 * from word/document.xml, over the demo cycle's figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AssessmentRules } from '../../domain/assessment-rules';
import { defaultPolicy } from '../../domain/policy';
import { assessmentReport } from '../../reports/builders';
import { loadAssessmentBulletin } from '../../reports/documents/assessment-bulletin';
import { renderBulletinDocx } from '../../reports/documents/render-bulletin-docx';
import { freshDatabase, type TestDatabase } from '../support/db';
import { appendInOrder, demoCycle } from '../support/event-builder';
import { readDocx } from '../support/docx';

describe('the 通报 as a Word document', () => {
  let t: TestDatabase;
  const scope = { schema: 'public', cycleId: 'c2017', at: '2017-09-01T00:00:00.000Z' };

  beforeAll(async () => {
    t = await freshDatabase();
    await appendInOrder(t.db, demoCycle().events);
  });
  afterAll(async () => t.drop());

  it('reads as an office sends it: head, 文号, title, 主送, body from the figures, table, lists, 整改要求, date', async () => {
    const bulletin = await loadAssessmentBulletin(t.db, scope, {
      documentNumber: '衢教督〔2017〕3号',
      issuer: '衢州市教育局',
    });
    const doc = readDocx(await renderBulletinDocx(bulletin));
    const p = doc.paragraphs.filter((x) => x !== '');
    expect(p.slice(0, 4)).toEqual([
      '衢州市教育局',
      '衢教督〔2017〕3号',
      '关于2017年度重大项目专项督导考核结果的通报',
      '职成处、基教处、规划处：',
    ]);
    expect(p[4]).toMatch(
      /^根据.*工作安排，衢州市教育局于2017年\d+月\d+日至2017年\d+月\d+日对3个责任单位承办的事项开展了专项督导/,
    );
    expect(p).toContain('一、总体情况');
    // 4 assignments: 3 reported (2 on time), 1 unreported past due; the figures of the demo cycle.
    expect(p.join('\n')).toMatch(
      /本期共交办事项4件，应报送4件，按时报送2件，按时报送率50\.0%；逾期报送或逾期未报2件；退回重办1次；升级督办累计2级；目标值经审定达标1个、未达标1个。/,
    );
    expect(p.join('\n')).toMatch(/“好”2个、“较好”1个、“一般”0个、“差”0个/);

    expect(doc.tables).toHaveLength(1);
    expect(doc.tables[0]).toEqual([
      ['名次', '责任单位', '得分', '等次', '按时报送率', '扣分（加分）事项'],
      ['1', '职成处', '100', '好', '100.0%', '无扣分'],
      ['2', '基教处', '99', '好', '100.0%', '退回重办1项，扣3分；目标值达标（加分）1项，加2分'],
      [
        '3',
        '规划处',
        '81',
        '较好',
        '0.0%',
        '逾期报送或逾期未报2项，扣10分；督办升级2级，扣4分；目标值未达标1项，扣5分',
      ],
    ]);
    expect(p).toContain('二、表扬和批评');
    expect(p).toContain('1. 职成处（得分100分，按时报送率100.0%；无扣分）。');
    expect(p).toContain('本期无通报批评单位。');
    const demands = p.slice(p.indexOf('三、整改要求') + 1, p.indexOf('附件：计分办法'));
    expect(demands[0]).toMatch(
      /^有逾期报送、逾期未报或目标值未达标事项的单位（规划处）.*15个工作日内向衢州市教育局报送整改报告/,
    );
    // The attachment is named above the 落款 and follows it, headed 附件 on a page of its own.
    const foot = p.indexOf('2017年9月1日');
    expect(p.slice(foot - 2, foot + 3)).toEqual([
      '附件：计分办法',
      '衢州市教育局',
      '2017年9月1日',
      '附件',
      '计分办法',
    ]);
    expect(p[foot + 3]).toMatch(/^计分办法：基础分/);
    expect(doc.xml).toMatch(/<w:pageBreakBefore\/>/);
    // A4 with the official margins, the head in red over a red rule.
    expect(doc.xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(doc.xml).toMatch(/<w:color w:val="C00000"\/>/);
    expect(doc.xml).toMatch(/<w:bottom w:val="single" w:color="C00000"/);
  });

  it('is written by `dudao report assessment --docx` (needs dist/: npm run build)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-cli-'));
    const out = path.join(dir, '通报.docx');
    const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');
    const args = ['report', 'assessment', '--cycle', 'c2017', '--at', scope.at, '--docx', out];
    const r = spawnSync(
      process.execPath,
      [...[cli], ...args, '--doc-number', '督〔2017〕9号', '--issuer', '督导室'],
      {
        env: { ...process.env, DATABASE_URL: t.url },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.stderr).toContain(`已导出：${out}`);
    expect(r.status).toBe(0);
    const p = readDocx(fs.readFileSync(out)).paragraphs.filter((x) => x !== '');
    fs.rmSync(dir, { recursive: true });
    expect(p.slice(0, 2)).toEqual(['督导室', '督〔2017〕9号']);
    const foot = p.indexOf('2017年9月1日');
    expect(p.slice(foot - 1, foot + 2)).toEqual(['督导室', '2017年9月1日', '附件']);
  });

  it('names a unit graded 差 for criticism with its reasons', async () => {
    const bulletin = await loadAssessmentBulletin(t.db, scope);
    expect(bulletin.issuer).toBe('督导处'); // the demo cycle has no imported plan to take the issuer from
    expect(bulletin.documentNumber).toBe('督〔2017〕1号');
    const strict = { ...bulletin, criticised: [{ unit: '规划处', reason: '得分55分' }] };
    const p = readDocx(await renderBulletinDocx(strict)).paragraphs;
    expect(p).toContain('1. 规划处（得分55分）。');
  });
});

/** LibreOffice (Debian's libreoffice-writer) opens the document and lays it out on A4 pages. */
const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((f) => fs.existsSync(f));
(SOFFICE && fs.existsSync('/usr/bin/pdftotext') ? describe : describe.skip)('the 通报 in LibreOffice', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
    await appendInOrder(t.db, demoCycle().events);
  });
  afterAll(async () => t.drop());

  it('converts to a PDF whose text reads in order', async () => {
    const scope = { schema: 'public', cycleId: 'c2017', at: '2017-09-01T00:00:00.000Z' };
    const bulletin = await loadAssessmentBulletin(t.db, scope, { documentNumber: '衢教督〔2017〕3号' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-pdf-'));
    fs.writeFileSync(path.join(dir, 'b.docx'), await renderBulletinDocx(bulletin));
    execFileSync(
      SOFFICE!,
      [
        '--headless',
        `-env:UserInstallation=file://${dir}/profile`,
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        path.join(dir, 'b.docx'),
      ],
      { timeout: 120_000 },
    );
    const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'b.pdf'), '-'])
      .toString('utf8')
      .replace(/\s+/g, '');
    fs.rmSync(dir, { recursive: true });
    const order = [
      '督导处',
      '衢教督〔2017〕3号',
      '考核结果的通报',
      '职成处、基教处、规划处：',
      '一、总体情况',
      '名次',
      '二、表扬和批评',
      '三、整改要求',
      '2017年9月1日',
    ];
    const positions = order.map((s) => text.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  }, 150_000);
});

describe('a cycle started with rules of its own', () => {
  let t: TestDatabase;
  const scope = { schema: 'public', cycleId: 'c2017', at: '2017-09-01T00:00:00.000Z' };
  // The office makes a missed target cost 30 points and raises the grade thresholds.
  const assessment = AssessmentRules.parse({ targetMissed: 30, grades: { good: 95, fair: 85, pass: 75 } });

  beforeAll(async () => {
    t = await freshDatabase();
    await appendInOrder(
      t.db,
      demoCycle({ ...defaultPolicy(), scoringBaseline: 'original', assessment }).events,
    );
  });
  afterAll(async () => t.drop());

  it('is scored, graded and explained by those rules, read from the cycle’s start', async () => {
    const report = await assessmentReport(t.db, scope);
    expect(report.tables[0]!.rows.map((r) => [r.unit, r.score, r.grade])).toEqual([
      ['职成处', 100, '好'],
      ['基教处', 99, '好'],
      ['规划处', 100 - 10 - 4 - 30, '差'],
    ]);
    expect(report.tables[1]!.rows).toContainEqual({
      unit: '规划处',
      item: '目标值未达标',
      count: 1,
      points: -30,
    });
    expect(report.footer.join('\n')).toMatch(/未达标扣30分.*95分及以上为“好”/s);
    expect(report.footer[1]).toBe('予以通报批评：规划处，请限期整改。');

    const bulletin = await loadAssessmentBulletin(t.db, scope);
    expect(bulletin.criticised).toEqual([
      {
        unit: '规划处',
        reason:
          '得分56分，按时报送率0.0%；逾期报送或逾期未报2项，扣10分；督办升级2级，扣4分；目标值未达标1项，扣30分',
      },
    ]);
    const p = readDocx(await renderBulletinDocx(bulletin)).paragraphs;
    expect(p.find((x) => x.startsWith('被通报批评的单位'))).toMatch(/^被通报批评的单位（规划处）/);
  });
});
