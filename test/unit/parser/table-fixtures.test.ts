/**
 * The county's 重点工作任务分解表 as Word, PDF and Excel, and a city's 分工表 as a GBK CSV: every lead and
 * co-unit in its place, deadlines read into milestones and cadences, section rows as headings.
 */
import type { Plan } from '../../../domain/plan';
import { parseFixture } from './format-helpers';

/** 序号 → [牵头单位, 配合单位, 完成时限 due dates, cadence, 分管领导], as the fixture script lays them out. */
const county: [string, string[], string[], string[], string | null, string][] = [
  ['1.1', ['县发改局'], ['各乡镇（街道）', '各有关单位'], ['2025-12-31'], null, '王建国'],
  [
    '1.2',
    ['县商务局', '县投资促进中心'],
    ['县发改局', '县经信局'],
    ['2025-06-30', '2025-12-31'],
    null,
    '王建国',
  ],
  ['1.3', ['县税务局'], ['县财政局', '县市场监管局'], [], null, '李明'],
  ['1.4', ['县统计局'], ['县发改局'], [], 'quarter', '李明'],
  ['2.5', ['县教育局'], ['县住建局', '县自然资源和规划局', '各乡镇（街道）'], ['2025-08-31'], null, '张丽'],
  ['2.6', ['县卫生健康局'], ['县人民医院', '县中医院'], ['2025-09-30'], null, '张丽'],
  ['2.7', ['县政府办公室'], ['各有关单位'], [], 'month', '张丽'],
  ['3.8', ['县政务服务中心'], ['县大数据局'], ['2025-09-30'], null, '陈刚'],
  // The lead cell is merged over rows 8 and 9 (vMerge / a merged range): both rows are led by it.
  ['3.9', ['县政务服务中心'], ['各有关单位'], ['2025-12-31'], null, '陈刚'],
  ['3.10', ['县发改局'], ['县市场监管局', '县司法局', '县税务局'], ['2025-06-30'], null, '陈刚'],
];

describe.each([
  ['Word', 'county-2025-key-tasks.docx'],
  ['PDF', 'county-2025-key-tasks.pdf'],
  ['Excel', 'county-2025-key-tasks.xlsx'],
])('the county task table as %s', (format, file) => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await parseFixture(file);
  });

  it('reads the title above the table and the section rows as headings', () => {
    expect(plan.title).toBe('青溪县2025年政府工作报告重点工作任务分解表');
    expect(plan.headings?.map((h) => [h.id, h.text])).toEqual([
      ['1', '一、全力以赴稳增长、促发展'],
      ['2', '二、持续用力惠民生、增福祉'],
      ['3', '三、纵深推进改革、优化营商环境'],
    ]);
    if (format !== 'Excel')
      expect([plan.issuer, plan.issuedOn]).toEqual(['青溪县人民政府办公室', '2025-02-18']);
  });

  it.each(county)(
    'item %s has its lead and co-units, deadline and leader',
    (id, lead, co, due, cadence, leader) => {
      const item = plan.items.find((i) => i.id === id);
      expect(item).toBeDefined();
      expect(item!.leadUnits).toEqual(lead);
      expect(item!.units).toEqual([...lead, ...co]);
      expect(item!.milestones.map((m) => m.dueOn)).toEqual(due);
      expect(item!.cadences.map((c) => c.every)).toEqual(cadence ? [cadence] : []);
      expect(item!.leaders).toEqual([leader]);
      expect(item!.kind).toBe('task');
    },
  );

  it('keeps a multi-line task cell as one text and reads its targets', () => {
    const item = plan.items.find((i) => i.id === '1.2')!;
    expect(item.text).toBe('深化“招大引强”。全年引进亿元以上产业项目20个以上。');
    expect(item.title).toBe('深化“招大引强”');
    expect(plan.items.find((i) => i.id === '1.1')!.targets.map((t) => [t.op, t.value, t.unit])).toEqual([
      ['>=', 8, '%'],
      ['>=', 10, '%'],
    ]);
  });

  it('flags collective co-units, kept as written', () => {
    const flagged = plan.warnings.filter((w) => /是泛称/.test(w.message)).map((w) => w.message);
    expect(flagged).toHaveLength(5);
    expect(flagged[0]).toMatch(/^配合单位“各乡镇（街道）”是泛称/);
  });

  it('says where each item was read', () => {
    const item = plan.items.find((i) => i.id === '2.5')!;
    if (format === 'Word') expect(item.location).toEqual({ format: 'docx', table: 1, row: 8, column: 2 });
    if (format === 'PDF') expect(item.location).toMatchObject({ format: 'pdf', page: 1, table: 1, row: 8 });
    if (format === 'Excel')
      expect(item.location).toMatchObject({ format: 'xlsx', sheet: '任务分解表', cell: 'B9' });
  });
});

describe('a GBK CSV 分工表', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await parseFixture('city-livelihood-tasks.gbk.csv');
  });

  it('is decoded, and its 责任单位 column beside 协同配合单位 is read as the lead', () => {
    expect(plan.warnings[0]?.message).toMatch(/GBK 编码/);
    expect(plan.title).toBe('某市2024年民生实事项目任务分工表');
    expect(plan.items.map((i) => [i.id, i.leadUnits, i.units])).toEqual([
      ['1.1', ['市教育局'], ['市教育局', '各区、县级市']],
      ['1.2', ['市教育局'], ['市教育局', '市财政局', '各县（市、区）']],
      ['2.3', ['市人力社保局'], ['市人力社保局', '各区、县级市']],
      ['2.4', ['市人力社保局'], ['市人力社保局', '市统计局', '各有关单位']],
    ]);
  });

  it('reads section rows alone in the first column, quoted multi-line cells and the time column', () => {
    expect(plan.headings?.map((h) => h.text)).toEqual(['一、教育', '二、就业']);
    expect(plan.items[1]!.text).toBe('推进义务教育优质均衡发展，完成薄弱学校改造10所。');
    expect(plan.items.map((i) => i.milestones.map((m) => m.dueOn))).toEqual([
      ['2024-12-31'],
      ['2024-10-31'],
      ['2024-12-31'],
      [],
    ]);
    expect(plan.items[3]!.cadences).toEqual([{ every: 'month', day: 10, text: '每月10日前' }]);
    expect(plan.items[0]!.leaders).toEqual(['周敏']);
  });
});
