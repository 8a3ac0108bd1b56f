import { clip, clipText, humanizeIds } from '../../../web/text';
import { milestoneLabel } from '../../../domain/labels';

describe('titles and ids as people read them', () => {
  const title = '推进全市所有中小学校标准化建设，改善办学条件，提升农村学校教育质量';

  it('keeps a title whole when it fits, and otherwise cuts it at a clause boundary', () => {
    expect(clipText(title, 60)).toBe(title);
    expect(clipText(title, 20)).toBe('推进全市所有中小学校标准化建设…');
    // No boundary in reach: cut at the length, still marked as cut.
    expect(clipText('一二三四五六七八九十', 4)).toBe('一二三四…');
  });

  it('puts the full text on hover only when something was cut', () => {
    expect(clip(title, 20).value).toBe(`<span title="${title}">推进全市所有中小学校标准化建设…</span>`);
    expect(clip(title, 60).value).toBe(title);
  });

  it('names milestones, assignments, extension and closure requests in Chinese', () => {
    expect(milestoneLabel('2.1.4.1/progress')).toBe('2.1.4.1 周期进展报告');
    expect(milestoneLabel('2.1.4.1/2017/co:基教处')).toBe('2.1.4.1 2017年度节点 · 配合（基教处）');
    expect(milestoneLabel('2.1.4.1/2017/lead')).toBe('2.1.4.1 2017年度节点 · 牵头');
    expect(milestoneLabel('2.1.4.1/2018/ext-2')).toBe('2.1.4.1 2018年度节点 · 延期申请2');
    expect(milestoneLabel('2.1.4.1/closure-3')).toBe('2.1.4.1 办结申请3');
    expect(humanizeIds('节点 2.2.5.1/progress 已逾期，2.1.4.1/2017/co:计财处，未报送')).toBe(
      '节点 2.2.5.1 周期进展报告 已逾期，2.1.4.1 2017年度节点 · 配合（计财处），未报送',
    );
  });
});
