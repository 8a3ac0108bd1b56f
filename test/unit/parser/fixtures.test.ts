/** Two more documents of the genre, written for these tests: other numbering depths, brackets and phrasing. */
import { readFileSync } from 'node:fs';
import { parsePlanBytes } from '../../../seeds/parser/parse';
import { itemAt, parseFile, repoFile } from './helpers';

describe('丽水 health scheme: four levels, half-width brackets, page clutter, two-line title', () => {
  const plan = parseFile('test', 'fixtures', 'plans', 'lishui-health-task-division.txt');

  it('joins the two title lines and reads the two-line issuer block', () => {
    expect(plan.title).toBe('丽水市卫生健康事业发展“十三五”规划重点任务分工方案');
    expect(plan.issuer).toBe('丽水市卫生健康委员会');
    expect(plan.issuedOn).toBe('2016-08-15');
  });

  it('counts items per kind across 一、/（一）/1./（1）', () => {
    const kinds = plan.items.map((i) => i.kind);
    expect(kinds.filter((k) => k === 'indicator')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'task')).toHaveLength(8);
    expect(kinds.filter((k) => k === 'major_project')).toHaveLength(3);
    expect(itemAt(plan, 14).path).toEqual([
      '二、主要任务',
      '（一）深化医药卫生体制改革',
      '1.推进分级诊疗制度建设',
    ]);
    expect(itemAt(plan, 14).id).toBe('2.1.1.1');
  });

  it('reads every bracket style, lead unit first', () => {
    expect(itemAt(plan, 6).units).toEqual(['妇幼处', '疾控处']); // (责任单位:…)
    expect(itemAt(plan, 7).units).toEqual(['妇幼处', '基层处', '疾控处']); // 牵头，配合
    expect(itemAt(plan, 9).units).toEqual(['医政处', '人事处']); // 牵头；责任
    expect(itemAt(plan, 18).units).toEqual(['医政处', '体改处']); // half-width colons
  });

  it('joins an item continued over two lines, across indentation', () => {
    const item = itemAt(plan, 15);
    expect(item.endLine).toBe(16);
    expect(item.text).toBe('推进家庭医生签约服务。重点人群签约服务覆盖率分别达到60%和80%。');
    expect(itemAt(plan, 24).targets.map((t) => [t.op, t.value, t.unit])).toEqual([
      ['>=', 55, '元'],
      ['>=', 85, '%'],
    ]);
  });

  it('reads targets with 以内, 左右, 超过 and dated clauses without a comma', () => {
    expect(itemAt(plan, 6).targets.map((t) => [t.metric, t.op, t.value, t.unit])).toEqual([
      ['人均预期寿命', '>=', 79, '岁'],
      ['婴儿死亡率', '<=', 5, '‰'],
    ]);
    expect(itemAt(plan, 10).targets[0]).toMatchObject({ metric: '县域就诊率', op: '≈', value: 90 });
    expect(itemAt(plan, 26).targets[0]).toEqual({
      metric: '全市国家级慢性病综合防控示范区',
      op: '>=',
      value: 3,
      unit: '个',
      year: 2019,
    });
    expect(itemAt(plan, 14).milestones.map((m) => m.year)).toEqual([2018, 2020]);
    expect(itemAt(plan, 30).recurrences.map((r) => r.everyYears)).toEqual([3]);
  });

  it('warns about page numbers, a trailing 、 and a project without units', () => {
    expect(plan.warnings.map((w) => w.line)).toEqual([19, 21, 27, 31]);
  });
});

describe('金华 sports scheme: 一、/1、, bare （A、B） units, GBK copy', () => {
  const plan = parseFile('test', 'fixtures', 'plans', 'jinhua-sports-task-division.txt');

  it('takes the scheme name from 《》 and a date written in Chinese numerals', () => {
    expect(plan.title).toBe('金华市体育事业发展“十三五”规划任务分解方案');
    expect(plan.issuer).toBe('金华市体育局');
    expect(plan.issuedOn).toBe('2017-03-01');
  });

  it('reads bare unit brackets and counts items per kind', () => {
    expect(plan.items.map((i) => [i.id, i.kind, i.units[0]])).toEqual([
      ['1.1', 'indicator', '群体处'],
      ['1.2', 'indicator', '群体处'],
      ['1.3', 'indicator', '群体处'],
      ['2.1', 'task', '群体处'],
      ['2.2', 'task', '竞技体育处'],
      ['2.3', 'task', '体育产业处'],
      ['3.1', 'major_project', '计划财务处'],
      ['3.2', 'major_project', '计划财务处'],
      ['4.1', 'task', '办公室'],
      ['4.2', 'task', '竞技体育处'],
    ]);
  });

  it('reads decimals, 亿元, 平方米, 每两年 and 年底 clauses', () => {
    expect(itemAt(plan, 7).targets[0]).toMatchObject({ value: 2.2, unit: '平方米', op: '>=' });
    expect(itemAt(plan, 12).targets.map((t) => [t.op, t.value, t.unit, t.year])).toEqual([
      ['≈', 300, '亿元', 2020],
      ['>=', 1.5, '%', 2020],
    ]);
    expect(itemAt(plan, 11).recurrences.map((r) => r.everyYears)).toEqual([2]);
    expect(itemAt(plan, 16).milestones).toEqual([{ year: 2019, text: '全市建成全民健身中心9个' }]);
  });

  it('accounts for the doc number, the recipients and the page footer as warnings', () => {
    expect(plan.warnings.map((w) => w.line)).toEqual([2, 3, 4, 17]);
  });

  it('parses the GBK copy to the same plan, with a note about the encoding', () => {
    const gbk = parseFile('test', 'fixtures', 'plans', 'jinhua-sports-task-division.gbk.txt');
    expect(gbk.warnings[0]).toEqual({ line: 0, message: expect.stringContaining('GBK') });
    expect({ ...gbk, warnings: gbk.warnings.slice(1) }).toEqual(plan);
  });

  it('decodes GBK bytes as such, not as UTF-8', () => {
    const bytes = readFileSync(repoFile('test', 'fixtures', 'plans', 'jinhua-sports-task-division.gbk.txt'));
    const outcome = parsePlanBytes(bytes);
    expect(outcome.ok && outcome.text.startsWith('金华市体育局')).toBe(true);
  });
});
