import { unitBody } from '../../../web/pages/unit';
import type { InboxItem } from '../../../app/views';
import type { DispatchedShare } from '../../../domain/dispatch';

const lead: InboxItem = {
  cycleId: 'c1',
  itemId: '2.1.4.1',
  kind: 'major_project',
  title: '普惠性幼儿园建设',
  milestoneId: '2.1.4.1/2017',
  milestoneText: '普惠性幼儿园覆盖面达到80%以上',
  assignmentId: '2.1.4.1/2017/lead',
  role: 'lead',
  dueAt: '2017-12-29T15:59:59.000Z',
  originalDueAt: '2017-12-29T15:59:59.000Z',
  leadDueAt: '2017-12-29T15:59:59.000Z',
  phase: 'assigned',
  acknowledged: true,
  submitted: false,
  rag: 'red',
  ragReason: '下级单位 柯城区教育局 逾期未报',
  returnComment: null,
  pendingExtension: false,
  targets: [],
  stuck: null,
  calendarGap: null,
};
const report: DispatchedShare = {
  subAssignmentId: 'XF-1',
  parentCycleId: 'c1',
  parentProjectId: '2.1.4.1',
  parentMilestoneId: '2.1.4.1/2017',
  unit: '基教处',
  body: '柯城区教育局',
  text: '按县域落实',
  phase: 'submitted',
  outcome: null,
  status: 'active',
  opensAt: '2017-03-01T00:00:00.000Z',
  dueAt: '2017-12-22T15:59:59.000Z',
  returns: 0,
  values: [{ targetIndex: 0, value: 85 }],
  reportedAt: '2017-04-01T00:00:00.000Z',
  reportedLate: false,
};
const page = (
  bodies: string[],
  reviews: DispatchedShare[] = [],
  items = [lead],
  outstanding: DispatchedShare[] = [],
) =>
  unitBody({
    unit: '基教处',
    cycles: [],
    cycleId: 'c1',
    items,
    periods: [],
    closures: [],
    notices: [],
    dispatch: { bodies, reviews, outstanding },
  }).value;

describe('the unit page’s 下发', () => {
  it('offers a milestone the unit holds to the bodies below it, posting what /api/actions/dispatch takes', () => {
    const html = page(['柯城区教育局', '衢江区教育局']);
    expect(html).toContain('data-action="/api/actions/dispatch"');
    for (const field of [
      'name="cycleId" value="c1"',
      'name="milestoneId" value="2.1.4.1/2017"',
      '<option value="柯城区教育局">',
      '<option value="衢江区教育局">',
      'name="text"',
      'name="deadline"',
    ])
      expect(html).toContain(field);
    expect(html).toContain('下级单位 柯城区教育局 逾期未报');
  });

  it('offers no form without bodies, nor on a co-unit’s or a submitted step', () => {
    expect(page([])).not.toContain('/api/actions/dispatch');
    expect(page(['柯城区教育局'], [], [{ ...lead, role: 'co' }])).not.toContain('/api/actions/dispatch');
    expect(page(['柯城区教育局'], [], [{ ...lead, phase: 'submitted' }])).not.toContain(
      '/api/actions/dispatch',
    );
  });

  it('lists the bodies’ reports for the unit’s own review', () => {
    const html = page(['柯城区教育局'], [report]);
    expect(html).toContain('下级单位报告待审核（1）');
    expect(html).toContain('data-dispatch-review="XF-1/reply"');
    expect(html).toContain('name="cycleId" value="dispatch"');
    expect(html).toContain('data-action="/api/actions/approve"');
    expect(html).toContain('data-action="/api/actions/return"');
  });

  it('lists the shares still owed from below, each with its state and a form that withdraws it', () => {
    const owed = { ...report, subAssignmentId: 'XF-2', body: '衢江区教育局', phase: 'assigned' as const };
    const html = page(['柯城区教育局', '衢江区教育局'], [report], [lead], [report, owed]);
    expect(html).toContain('已下发、尚未办结（2）');
    expect(html).toContain('data-outstanding-share="XF-2"');
    expect(html).toContain('衢江区教育局');
    expect(html).toContain('尚未报送');
    expect(html).toContain('已报送，待本单位审核');
    expect(html).toContain('data-action="/api/actions/withdraw"');
    expect(html).toContain('name="subAssignmentId" value="XF-2"');
    expect(html).toContain('name="reason"');
  });
});

describe('the unit page’s report on a 主要指标', () => {
  const indicator: InboxItem = {
    ...lead,
    itemId: '1.2',
    kind: 'indicator',
    milestoneId: '1.2/2017',
    milestoneText: '2017年度指标值报送：九年义务教育巩固率',
    assignmentId: '1.2/2017/lead',
    targets: [{ metric: '九年义务教育巩固率', op: '>=', value: 99.7, unit: '%', year: 2017 }],
  };

  it('asks the lead unit for the 数据来源 of its values, and nothing of the kind for a major project', () => {
    expect(page([], [], [indicator])).toMatch(/数据来源 <input name="source" required/);
    expect(page([], [], [lead])).not.toContain('name="source"');
    expect(page([], [], [{ ...indicator, role: 'co', assignmentId: '1.2/2017/co:督导处' }])).not.toContain(
      'name="source"',
    );
  });
});
