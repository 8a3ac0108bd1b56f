import { requireDataSource } from '../../../app/indicators';
import { withDataSource } from '../../../domain/yearly-items';

describe('a report on an indicator without its 数据来源', () => {
  const report = (narrative: string) => ({ type: 'submitReport' as const, narrative });

  it('is refused in Chinese; with it, or on another kind of item, it passes', () => {
    expect(() => requireDataSource('indicator', report('巩固率'))).toThrow(
      '主要指标的年度数值须注明数据来源，请加 --source（网页上填写“数据来源”）',
    );
    expect(() =>
      requireDataSource('indicator', report(withDataSource('巩固率', '2017年统计年报'))),
    ).not.toThrow();
    expect(() => requireDataSource('major_project', report('进展'))).not.toThrow();
    expect(() =>
      requireDataSource('indicator', { type: 'submitContribution', narrative: '配合' }),
    ).not.toThrow();
  });
});
