import { planMilestones, selectItems, toCycleItem, yearWindow } from '../../../domain/cycle';
import { defaultPolicy } from '../../../domain/policy';
import { dataSourceOf, withDataSource, yearlyCycleItem } from '../../../domain/yearly-items';
import { parseFile } from '../parser/helpers';

const plan = parseFile('seeds', 'quzhou-education-13th-fyp-task-division.txt');
const item = (id: string) => toCycleItem(plan.items.find((i) => i.id === id)!);
const policy = defaultPolicy();
const window = yearWindow(2016, 2, policy.holidayRule);
const ctx = {
  window,
  planLastYear: 2020,
  baselineOf: (itemId: string, metric: string) =>
    itemId === '1.2' && metric === '九年义务教育巩固率' ? { year: 2015, value: 99.5 } : null,
  taskFlow: 'light' as const,
};

describe('what a cycle asks of indicators and tasks', () => {
  it('asks an indicator for each plan year’s value of every metric, due at the year’s end', () => {
    const yearly = yearlyCycleItem(item('1.1'), ctx);
    const milestones = planMilestones(yearly, window, policy);
    expect(milestones.map((m) => [m.milestoneId, m.targets.length, m.targets[0]!.year])).toEqual([
      ['1.1/2016', 5, 2016],
      ['1.1/2017', 5, 2017],
    ]);
    expect(milestones[0]!.text).toBe(
      '2016年度指标值报送：学前三年入园率、学前教育示范乡镇、残疾幼儿学前入园率、残疾儿童少年九年义务教育入学率、听障儿童少年高中段入学率',
    );
    // No baseline recorded: each year is judged against the target itself.
    expect(milestones[1]!.targets.map((t) => t.value)).toEqual([97, 50, 90, 98, 95]);
  });

  it('judges a year against the planned value once the office has recorded a baseline', () => {
    const milestones = planMilestones(yearlyCycleItem(item('1.2'), ctx), window, policy);
    expect(milestones.map((m) => m.targets.map((t) => [t.metric, t.op, t.value, t.year]))).toEqual([
      [['九年义务教育巩固率', '>=', 99.6, 2016]],
      [['九年义务教育巩固率', '>=', 99.7, 2017]],
    ]);
  });

  it('asks a task on the light flow for a yearly progress statement, and leaves it alone on the full flow', () => {
    const task = item('2.1.1');
    expect(
      planMilestones(yearlyCycleItem(task, ctx), window, policy).map((m) => [m.milestoneId, m.text]),
    ).toEqual([
      ['2.1.1/2016', '2016年度工作进展情况'],
      ['2.1.1/2017', '2017年度工作进展情况'],
    ]);
    expect(yearlyCycleItem(task, { ...ctx, taskFlow: 'full' })).toEqual(task);
    expect(yearlyCycleItem(task, { ...ctx, taskFlow: undefined })).toEqual(task);
  });

  it('leaves major projects as the plan states them', () => {
    const majors = selectItems(plan.items, { kinds: ['major_project'] }).map(toCycleItem);
    for (const m of majors) expect(yearlyCycleItem(m, ctx)).toEqual(m);
  });
});

describe('the 数据来源 of a reported value', () => {
  it('opens the narrative and is read back from it', () => {
    const narrative = withDataSource('全市入园率稳步提高', ' 2017年教育事业统计年报 ');
    expect(narrative).toBe('数据来源：2017年教育事业统计年报\n全市入园率稳步提高');
    expect(dataSourceOf(narrative)).toBe('2017年教育事业统计年报');
    expect(dataSourceOf('全市入园率稳步提高')).toBeNull();
    expect(withDataSource('进展', undefined)).toBe('进展');
  });
});
