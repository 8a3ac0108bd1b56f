import { buildLineageReport, type CycleOutcomeRow, type RoundRow } from '../../../reports/lineage';
import { renderHtml } from '../../../reports/render-html';

const outcome = (cycle: string, item: string, result: CycleOutcomeRow['outcome'], unit = '基教处') => ({
  cycle_id: cycle,
  cycle_name: `${cycle.slice(1)}年度重大项目专项督导`,
  opens_at: `${cycle.slice(1)}-01-01T00:00:00.000Z`,
  item_id: item,
  title: item === '2.1.4.1' ? '持续推进学前教育行动计划' : '实施校舍改造工程',
  milestone_id: `${item}/${cycle.slice(1)}`,
  unit,
  status: 'closed',
  outcome: result,
});
const round = (
  cycle: string,
  item: string,
  n: number,
  status: RoundRow['status'],
  over: Partial<RoundRow> = {},
): RoundRow => ({
  rectification_id: `ZG-${cycle}-${item}-${cycle.slice(1)}${n > 1 ? `-R${n}` : ''}`,
  origin_cycle_id: cycle,
  context_cycle_id: cycle,
  item_id: item,
  title: '持续推进学前教育行动计划',
  milestone_id: `${item}/${cycle.slice(1)}`,
  unit: '基教处',
  round: n,
  reasons: ['目标未达成'],
  status,
  issued_at: `${Number(cycle.slice(1)) + 1}-02-01T00:00:00.000Z`,
  due_at: `${Number(cycle.slice(1)) + 1}-06-30T15:59:59.000Z`,
  closed_at: null,
  ...over,
});

describe('the lineage report', () => {
  // 2.1.4.1 fell short in 2016 and again in 2017: the 2016 整改 was carried into 2017 and struck off
  // there; the 2017 one is still open, past its deadline at the report's time.
  const outcomes = [
    outcome('c2016', '2.1.4.1', 'missed'),
    outcome('c2017', '2.1.4.1', 'missed'),
    outcome('c2016', '2.1.4.3', 'met', '计财处'),
    outcome('c2017', '2.1.4.3', null, '计财处'),
  ];
  const rounds = [
    round('c2016', '2.1.4.1', 1, 'carried'),
    round('c2016', '2.1.4.1', 2, 'struck_off', {
      context_cycle_id: 'c2017',
      closed_at: '2017-11-01T00:00:00.000Z',
    }),
    round('c2017', '2.1.4.1', 1, 'issued'),
  ];
  const report = buildLineageReport(outcomes, rounds, { schema: 'public', at: '2018-07-15T00:00:00.000Z' });
  const table = (title: string) => report.tables.find((t) => t.title === title)!.rows;

  it('counts a unit’s repeat shortfalls across cycles and what is still open', () => {
    expect(table('各单位跨周期未达标情况')).toEqual([
      { unit: '基教处', shortfalls: 2, cycles: 2, repeatItems: 1, openRounds: 1, overdue: 1 },
    ]);
  });

  it('tells each item where it stands now, and each cycle’s outcome with the 整改 it became', () => {
    expect(table('事项现状').map((r) => [r.itemId, r.cycles, r.shortfalls, r.rounds, r.now])).toEqual([
      ['2.1.4.1', 2, 2, 3, '2.1.4.1/2017 第1轮逾期未整改'],
      ['2.1.4.3', 2, 0, 0, '进行中'],
    ]);
    expect(table('各周期节点结果').map((r) => [r.cycle, r.outcome, r.rectification])).toEqual([
      ['2016年度重大项目专项督导', '未完成', 'ZG-c2016-2.1.4.1-2016'],
      ['2017年度重大项目专项督导', '未完成', 'ZG-c2017-2.1.4.1-2017'],
      ['2016年度重大项目专项督导', '达标', '—'],
      ['2017年度重大项目专项督导', '进行中', '—'],
    ]);
  });

  it('draws one timeline per item, cycles and rounds in date order, coloured by result', () => {
    const chart = report.charts[0]!;
    expect(chart).toMatchObject({ kind: 'rag-board', title: '2.1.4.1 持续推进学前教育行动计划：沿革' });
    expect(chart.kind === 'rag-board' && chart.items.map((i) => [i.label, i.rag, i.note])).toEqual([
      ['2016年度重大项目专项督导 2.1.4.1/2016', 'red', '未完成'],
      ['2017年度重大项目专项督导 2.1.4.1/2017', 'red', '未完成'],
      ['整改第1轮（c2016）', 'red', '已转入下一周期'],
      ['整改第2轮（c2017）', 'green', '已销号'],
      ['整改第1轮（c2017）', 'red', '逾期未整改'],
    ]);
    expect(renderHtml(report)).toContain('2.1.4.1 持续推进学前教育行动计划：沿革');
  });
});
