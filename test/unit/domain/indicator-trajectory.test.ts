import {
  indicatorTrack,
  judgeAgainstTrajectory,
  planSpan,
  plannedValue,
} from '../../../domain/indicator-trajectory';
import type { Target } from '../../../domain/plan';
import { parseFile } from '../parser/helpers';

const rate: Target = { metric: '学前三年入园率', op: '>=', value: 97, unit: '%', year: null };
const classes: Target = { metric: '大班额比例', op: '<=', value: 5, unit: '%', year: 2020 };
const base = { year: 2015, value: 92 };

describe('the plan line of a main indicator', () => {
  it('runs straight from the baseline to the target in the target year', () => {
    expect([2015, 2016, 2017, 2018, 2019, 2020].map((y) => plannedValue(base, rate, 2020, y))).toEqual([
      92, 93, 94, 95, 96, 97,
    ]);
  });

  it('holds the baseline before it and the target after the target year', () => {
    expect(plannedValue(base, rate, 2020, 2014)).toBe(92);
    expect(plannedValue(base, rate, 2020, 2022)).toBe(97);
  });

  it('goes down for a target to stay at or below', () => {
    expect(plannedValue({ year: 2015, value: 15 }, classes, 2020, 2017)).toBe(11);
  });

  it('reads the 十三五 plan as 2016–2020 from the seed', () => {
    expect(planSpan(parseFile('seeds', 'quzhou-education-13th-fyp-task-division.txt').items)).toEqual({
      firstYear: 2016,
      lastYear: 2020,
    });
  });
});

describe('the colour of a reported value against its year on the line', () => {
  it('is green on or above the line, with the planned and actual values in the reason', () => {
    expect(judgeAgainstTrajectory(rate, 94, 94.5)).toEqual({
      rag: 'green',
      shortfall: -0.5,
      reached: false,
      reason: '达到或好于计划进度（计划94%，实际94.5%）',
    });
  });

  it('is amber behind the line within the tolerance, red beyond it', () => {
    // 5% of 94 is 4.7 points.
    expect(judgeAgainstTrajectory(rate, 94, 90).rag).toBe('amber');
    expect(judgeAgainstTrajectory(rate, 94, 90).reason).toBe(
      '落后计划进度4%（计划94%，实际90%），在允许偏差5%以内',
    );
    expect(judgeAgainstTrajectory(rate, 94, 89).rag).toBe('red');
    expect(judgeAgainstTrajectory(rate, 94, 89).reason).toBe(
      '落后计划进度5%（计划94%，实际89%），超出允许偏差5%',
    );
    expect(judgeAgainstTrajectory(rate, 94, 90, 0.01).rag).toBe('red');
  });

  it('reads a target to stay at or below the other way round', () => {
    expect(judgeAgainstTrajectory(classes, 11, 10).rag).toBe('green');
    expect(judgeAgainstTrajectory(classes, 11, 11.5).rag).toBe('amber');
    expect(judgeAgainstTrajectory(classes, 11, 13).rag).toBe('red');
  });

  it('is green once the target itself is reached, whatever the line says', () => {
    const more: Target = { ...rate, op: '>', value: 95 };
    expect(judgeAgainstTrajectory(more, 96, 95.5)).toMatchObject({ rag: 'green', reached: true });
    expect(judgeAgainstTrajectory(more, 96, 95)).toMatchObject({ rag: 'amber', reached: false });
    expect(judgeAgainstTrajectory(classes, 3, 4.5)).toMatchObject({
      rag: 'green',
      reached: true,
      reason: '已达到规划目标（4.5%，目标≤5%）',
    });
  });
});

describe('a metric track', () => {
  it('colours each reported year against a recorded baseline and takes the latest as the colour now', () => {
    const track = indicatorTrack(rate, 2020, 2015, base, [
      { year: 2016, value: 93.2 },
      { year: 2017, value: 90 },
    ]);
    expect(track.baseline).toEqual({ ...base, source: 'recorded' });
    expect(track.years.map((y) => [y.year, y.planned, y.reported, y.verdict?.rag ?? null])).toEqual([
      [2015, 92, null, null],
      [2016, 93, 93.2, 'green'],
      [2017, 94, 90, 'amber'],
      [2018, 95, null, null],
      [2019, 96, null, null],
      [2020, 97, null, null],
    ]);
    expect(track.latest?.year).toBe(2017);
  });

  it('starts the line at the first reported value when no baseline is recorded', () => {
    const track = indicatorTrack(rate, 2020, 2015, null, [
      { year: 2017, value: 86 },
      { year: 2016, value: 82 },
    ]);
    expect(track.baseline).toEqual({ year: 2016, value: 82, source: 'first_report' });
    expect(track.years[0]).toMatchObject({ year: 2015, planned: null });
    expect(track.years.find((y) => y.year === 2017)).toMatchObject({ planned: 85.75, reported: 86 });
    expect(track.years.find((y) => y.year === 2017)?.verdict?.rag).toBe('green');
  });

  it('has no plan line and no colour before anything is known', () => {
    const track = indicatorTrack(rate, 2020, 2015, null, []);
    expect(track.baseline).toBeNull();
    expect(track.latest).toBeNull();
    expect(track.years.every((y) => y.planned === null && y.verdict === null)).toBe(true);
  });
});
