import { composePlanReview, type ProjectFacts } from '../../../reports/documents/plan-review';
import { buildIndicatorFigures } from '../../../reports/indicators';
import { parseFile } from '../parser/helpers';

const plan = parseFile('seeds', 'quzhou-education-13th-fyp-task-division.txt');
const facts = {
  title: plan.title,
  issuer: '衢州市教育局',
  lastYear: 2020,
  units: ['基教处', '计财处'],
  majorProjects: [],
};
const project: ProjectFacts = {
  itemId: '2.1.4.1',
  title: '持续推进学前教育行动计划',
  leadUnit: '基教处',
  targets: [
    { metric: '普惠性幼儿园覆盖面', op: '>=', value: 80, unit: '%', year: 2017, reported: 82, met: true },
  ],
  milestonesMet: 2,
  milestonesMissed: 1,
  milestonesOpen: 0,
  cycles: 2,
  rounds: 1,
  openRounds: 0,
  now: '整改均已销号或结束',
};

describe('the plan review', () => {
  it('at the final stage: the target year values against the targets, and next steps for the next plan', () => {
    const figures = buildIndicatorFigures(
      1,
      plan.items,
      [],
      [
        {
          item_id: '1.2',
          metric: '九年义务教育巩固率',
          year: 2020,
          reported: 100,
          reported_at: '2021-01-10T00:00:00.000Z',
          met: true,
          cycle_id: 'c2020',
          narrative: '数据来源：2020年教育事业统计年报\n已达到',
        },
      ],
      0.05,
    );
    const review = composePlanReview({
      plan: facts,
      figures,
      projects: [project],
      at: '2021-01-31T00:00:00.000Z',
      options: { stage: 'final' },
    });
    expect(review.title).toBe(`关于《${plan.title}》实施情况终期评估的报告`);
    expect(review.documentNumber).toBe('督〔2021〕1号');
    expect(review.indicatorSummary[0]).toMatch(
      /^19个指标项中，已达到规划目标1个；按计划进度，绿灯1个、黄灯0个、红灯0个，尚未报送年度数值18个。/,
    );
    expect(review.indicators.rows.find((r) => r[1] === '1.2 九年义务教育巩固率')).toEqual([
      '6',
      '1.2 九年义务教育巩固率',
      '2020年≥100%',
      // No baseline recorded: the line starts at the first report.
      '2020年100%（首次报送值）',
      '2020年100%',
      '100%',
      '绿灯：已达到规划目标（100%，目标≥100%）',
    ]);
    expect(review.projects.rows).toEqual([
      [
        '1',
        '2.1.4.1 持续推进学前教育行动计划',
        '基教处',
        '普惠性幼儿园覆盖面≥80%（2017年），报送82%达标',
        '达标2、未完成1、进行中0',
        '1',
        '整改均已销号或结束',
      ],
    ]);
    expect(review.projectSummary[1]).toBe('1个项目因节点未达标进入整改，共1轮；均已销号或结束。');
    expect(review.nextSteps[0]).toContain('纳入下一个五年规划统筹考虑');
    expect(review.problems.at(-1)).toMatch(/^部分指标尚未报送年度数值/);
  });
});
