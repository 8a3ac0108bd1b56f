import { unitBody } from '../../../web/pages/unit';
import { closureCard } from '../../../web/pages/inspector';
import type { ClosureItem, PendingClosure } from '../../../app/views';

const request = {
  requestId: 'closure-1',
  unit: '基教处',
  narrative: '两年目标均已提前完成',
  evidence: [{ ref: 'evidence:a', sha256: 'a'.repeat(64), name: '验收报告.pdf' }],
  status: 'pending' as const,
  comment: '',
};
const item = (patch: Partial<ClosureItem>): ClosureItem => ({
  cycleId: 'c1',
  itemId: '2.1.4.1',
  title: '普惠性幼儿园建设',
  status: 'active',
  pending: null,
  refused: null,
  mayRequest: true,
  stuck: null,
  ...patch,
});
const unitPage = (closures: ClosureItem[]) =>
  unitBody({ unit: '基教处', cycles: [], cycleId: 'c1', items: [], periods: [], closures, notices: [] })
    .value;

describe('the unit page’s 申请办结', () => {
  it('offers the lead unit the form, posting what /api/actions/request-closure takes', () => {
    const page = unitPage([item({})]);
    expect(page).toContain('data-action="/api/actions/request-closure"');
    for (const field of ['name="cycleId" value="c1"', 'name="itemId" value="2.1.4.1"', 'name="narrative"'])
      expect(page).toContain(field);
    expect(page).toContain('type="file"');
  });

  it('shows a pending request instead of the form, and a refusal with its reason', () => {
    const pending = unitPage([item({ pending: request, mayRequest: false })]);
    expect(pending).not.toContain('request-closure');
    expect(pending).toContain('2.1.4.1 办结申请1待督导处审批销号');
    const refused = unitPage([item({ refused: { ...request, status: 'refused', comment: '材料不全' } })]);
    expect(refused).toContain('未获同意，理由：材料不全');
    expect(refused).toContain('request-closure');
  });
});

describe('督导处’s 办结申请 card', () => {
  const pending: PendingClosure = {
    cycleId: 'c1',
    itemId: '2.1.4.1',
    title: '普惠性幼儿园建设',
    requestId: 'closure-1',
    unit: '基教处',
    narrative: '两年目标均已提前完成',
    evidence: request.evidence,
    openMilestones: [
      { milestoneId: '2.1.4.1/2018', text: '覆盖面达到90%', dueAt: '2018-12-28T15:59:59.000Z' },
    ],
  };

  it('names what a 销号 closes and decides through /api/actions/decide-closure', () => {
    const card = closureCard(pending, false).value;
    expect(card).toContain('2.1.4.1 2018年度节点');
    expect(card).toContain(`href="/api/evidence/${'a'.repeat(64)}"`);
    expect(card).toContain('data-action="/api/actions/decide-closure"');
    expect(card).toContain('name="requestId" value="closure-1"');
    expect(card).toMatch(/name="confirm"\s+value="true"[^>]*>同意销号/);
    expect(card).toMatch(/name="confirm"\s+value="false"/);
  });

  it('has no form when read only', () => {
    expect(closureCard(pending, true).value).not.toContain('<form');
  });
});
