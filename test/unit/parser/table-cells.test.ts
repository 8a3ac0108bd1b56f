/** The pieces of a task table's cells: the time column, unit cells and header names. */
import { columnRole, headerRoles, isTaskHeader } from '../../../seeds/parser/columns';
import { parsePlanFile } from '../../../seeds/parser/document';
import { readDeadline } from '../../../seeds/parser/deadline';
import { readUnitCell } from '../../../seeds/parser/unit-cells';

describe('完成时限', () => {
  it.each([
    ['年底前', 2025, [[2025, '2025-12-31', '任务']]],
    ['2025年6月底前', null, [[2025, '2025-06-30', '任务']]],
    ['2026年底前', 2025, [[2026, '2026-12-31', '任务']]],
    ['2025年9月30日前', null, [[2025, '2025-09-30', '任务']]],
    ['6月中旬', 2025, [[2025, '2025-06-20', '任务']]],
    ['上半年', 2024, [[2024, '2024-06-30', '任务']]],
    ['2025年第三季度', null, [[2025, '2025-09-30', '任务']]],
    ['2025-2027年', null, [[2027, '2027-12-31', '任务']]],
    [
      '2025年6月底前完成方案制定，年底前全面完成',
      2025,
      [
        [2025, '2025-06-30', '完成方案制定'],
        [2025, '2025-12-31', '全面完成'],
      ],
    ],
  ])('%s → dated milestones', (text, year, expected) => {
    const reading = readDeadline(text, year, '任务');
    expect(reading.milestones.map((m) => [m.year, m.dueOn, m.text])).toEqual(expected);
    expect(reading.problems).toEqual([]);
  });

  it.each([
    ['每季度', { every: 'quarter', day: null }],
    ['每月25日前', { every: 'month', day: 25 }],
    ['每半年', { every: 'half_year', day: null }],
  ])('%s → a reporting cadence', (text, cadence) => {
    expect(readDeadline(text, 2025, '任务')).toMatchObject({
      milestones: [],
      cadences: [{ ...cadence, text }],
    });
  });

  it('keeps every duty of a cell that names several: 每年, 每季度 and 每月25日前', () => {
    expect(readDeadline('每年；每季度；每月25日前', 2025, '任务')).toEqual({
      milestones: [],
      recurrences: [{ everyYears: 1, text: '每年' }],
      cadences: [
        { every: 'quarter', day: null, text: '每季度' },
        { every: 'month', day: 25, text: '每月25日前' },
      ],
      problems: [],
    });
  });

  it('reads 每年 as a yearly recurrence and 长期坚持 as no deadline, without a warning', () => {
    expect(readDeadline('每年', 2025, '任务').recurrences).toEqual([{ everyYears: 1, text: '每年' }]);
    expect(readDeadline('长期坚持', 2025, '任务')).toEqual({
      milestones: [],
      recurrences: [],
      cadences: [],
      problems: [],
    });
    expect(readDeadline('持续推进', 2025, '任务').problems).toEqual([]);
  });

  it('reports what it cannot date', () => {
    expect(readDeadline('年底前', null, '任务').problems[0]).toMatch(/没有写明年份/);
    expect(readDeadline('视情况而定', 2025, '任务').problems[0]).toMatch(
      /未能识别为日期或周期，已按原文保留/,
    );
  });
});

describe('unit cells', () => {
  it.each([
    ['县发改局、县财政局', ['县发改局', '县财政局'], []],
    ['县住建局\n县自然资源和规划局', ['县住建局', '县自然资源和规划局'], []],
    ['市委组织部（市人才办）、市财政局', ['市委组织部（市人才办）', '市财政局'], []],
    ['各区、县级市', ['各区、县级市'], ['各区、县级市']],
    ['市财政局、各县（市、区）', ['市财政局', '各县（市、区）'], ['各县（市、区）']],
    ['县统计局，各有关单位', ['县统计局', '各有关单位'], ['各有关单位']],
  ])('%s', (text, units, collective) => {
    expect(readUnitCell(text)).toMatchObject({ units, collective });
  });

  it('reads a labelled cell with the lead first', () => {
    expect(readUnitCell('配合：县财政局；牵头：县发改局')).toMatchObject({
      units: ['县发改局', '县财政局'],
      lead: ['县发改局'],
    });
  });
});

describe('header columns', () => {
  it('names the columns offices use', () => {
    expect(
      ['序号', '重点任务', '牵头单位', '配合单位', '完成时限', '分管领导', '备注'].map(columnRole),
    ).toEqual(['seq', 'task', 'lead', 'co', 'deadline', 'leader', null]);
    expect(['工作内容', '主要责任单位', '协同配合单位', '时间节点', '责任领导'].map(columnRole)).toEqual([
      'task',
      'lead',
      'co',
      'deadline',
      'leader',
    ]);
  });

  it('reads 责任单位 as co-units beside 牵头单位, and a header without a task column as no task table', () => {
    expect(headerRoles(['序号', '任务', '牵头单位', '责任单位'])).toEqual(['seq', 'task', 'lead', 'co']);
    expect(isTaskHeader(['指标名称', '2020年', '2025年目标'])).toBe(false);
    expect(isTaskHeader(['序号', '项目名称', '责任单位'])).toBe(true);
  });
});

describe('a table with a column of its own', () => {
  it('keeps the column in the item text and says so', async () => {
    const csv =
      '序号,重点任务,具体目标,牵头单位,备注\n1,推进城乡供水一体化,农村供水覆盖率达到95%以上,县水利局,省定任务\n';
    const outcome = await parsePlanFile(new TextEncoder().encode(csv), 'a.csv');
    if (!outcome.ok) throw new Error(outcome.error);
    expect(outcome.plan.items[0]).toMatchObject({
      text: '推进城乡供水一体化；农村供水覆盖率达到95%以上；省定任务',
      units: ['县水利局'],
    });
    expect(outcome.plan.items[0]!.targets.map((t) => [t.op, t.value])).toEqual([['>=', 95]]);
    expect(outcome.plan.title).toBe('a');
    expect(outcome.plan.warnings.map((w) => w.message)).toEqual([
      '未找到文件标题，以文件名“a”作为标题',
      '表格列“具体目标”不是可识别的列，其内容已并入条目正文',
      '表格列“备注”不是可识别的列，其内容已并入条目正文',
    ]);
  });
});
