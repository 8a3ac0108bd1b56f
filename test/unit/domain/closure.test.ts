import { decide, emptyProject, evolve, tick, type ProjectState } from '../../../domain/project';
import { DomainError, parseCommand, type ProjectCommand } from '../../../domain/commands';
import type { EventBody } from '../../../domain/events';
import { defaultPolicy } from '../../../domain/policy';
import type { Principal } from '../../../domain/principal';

/* 申请办结 and 销号: the lead unit asks to close the whole item early; 督导处 confirms or refuses. */

const policy = defaultPolicy();
const lead = { userId: 'u1', role: 'unit_staff' as const, unit: '基教处' };
const coUnit = { userId: 'u2', role: 'unit_head' as const, unit: '计财处' };
const inspector = { userId: 'i1', role: 'inspector' as const, unit: '督导处' };
const closesAt = '2019-01-31T15:59:59.000Z';
const now = '2017-06-01T00:00:00.000Z';
const target = { metric: '覆盖面', op: '>=' as const, value: 80, unit: '%', year: 2017 };
const evidence = [{ ref: 'evidence:a', sha256: 'a'.repeat(64), name: '验收报告.pdf' }];

const fold = (s: ProjectState, events: EventBody[]) => events.reduce((acc, e) => evolve(acc, e), s);
const milestone = (year: number) => ({
  milestoneId: `p/${year}`,
  year,
  text: `${year}年覆盖面达到80%以上`,
  opensAt: `${year - 1}-12-31T16:00:00.000Z`,
  dueAt: `${year}-12-29T15:59:59.000Z`,
  targets: [target],
});

/** A project with a 2017 milestone open (lead and co-unit assigned) and a 2018 one scheduled. */
function opened(): ProjectState {
  const s0 = emptyProject({ streamId: 's', cycleId: 'c', projectId: 'p', policy });
  const started = fold(s0, [
    {
      type: 'ProjectStarted',
      data: {
        itemId: 'p',
        kind: 'major_project',
        title: '普惠性幼儿园建设',
        section: '学前教育',
        leadUnit: '基教处',
        coUnits: ['计财处'],
        targets: [target],
        milestones: [milestone(2017), milestone(2018)],
      },
    },
  ]);
  return fold(started, tick(started, '2017-01-02T00:00:00.000Z', closesAt));
}

const request = (actor: Principal = lead): ProjectCommand =>
  parseCommand({ type: 'requestClosure', actor, narrative: '项目已提前全部建成并通过验收', evidence });
const decision = (confirm: boolean, comment = '', requestId = 'closure-1'): ProjectCommand =>
  parseCommand({ type: 'decideClosure', actor: inspector, requestId, confirm, comment });
const run = (s: ProjectState, c: ProjectCommand) => fold(s, decide(s, c, now));

function refused(s: ProjectState, c: ProjectCommand, code: DomainError['code']): string {
  try {
    decide(s, c, now);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(code);
    return (err as DomainError).message;
  }
  throw new Error('accepted');
}

describe('申请办结 (requestClosure)', () => {
  it('records the lead unit’s request with its evidence, pending, numbered per project', () => {
    const events = decide(opened(), request(), now);
    expect(events).toEqual([
      {
        type: 'ClosureRequested',
        data: { requestId: 'closure-1', unit: '基教处', narrative: '项目已提前全部建成并通过验收', evidence },
      },
    ]);
    const s = fold(opened(), events);
    expect(s.closures).toEqual([
      {
        requestId: 'closure-1',
        unit: '基教处',
        narrative: '项目已提前全部建成并通过验收',
        evidence,
        status: 'pending',
        comment: '',
      },
    ]);
    expect(s.status).toBe('active');
  });

  it('defaults evidence to none and refuses an empty narrative', () => {
    expect(parseCommand({ type: 'requestClosure', actor: lead, narrative: '已完成' })).toMatchObject({
      evidence: [],
    });
    expect(() => parseCommand({ type: 'requestClosure', actor: lead, narrative: ' ' })).toThrow(
      /内容不能为空/,
    );
  });

  it('refuses a co-unit, 督导处 and any other unit, naming the lead unit', () => {
    expect(refused(opened(), request(coUnit), 'forbidden')).toBe(
      '办结申请由牵头单位基教处提出，计财处无权申请',
    );
    refused(opened(), { ...request(), actor: inspector }, 'forbidden');
    refused(opened(), request({ ...lead, unit: '职成处' }), 'forbidden');
  });

  it('follows the lead after 转办: the new unit may ask, the old one may not', () => {
    const s = run(opened(), {
      type: 'reassign',
      actor: inspector,
      assignmentId: 'p/2017/lead',
      toUnit: '职成处',
      reason: '职能调整',
    });
    refused(s, request(), 'forbidden');
    expect(decide(s, request({ ...lead, unit: '职成处' }), now)[0]!.data).toMatchObject({ unit: '职成处' });
  });

  it('refuses while a request is pending', () => {
    expect(refused(run(opened(), request()), request(), 'conflict')).toBe('已有待审批的办结申请');
  });

  it('refuses on a suspended, cancelled or closed project', () => {
    refused(run(opened(), { type: 'suspend', actor: inspector, reason: '调整' }), request(), 'suspended');
    refused(run(opened(), { type: 'cancel', actor: inspector, reason: '撤销' }), request(), 'closed');
    refused(run(run(opened(), request()), decision(true)), request(), 'closed');
  });

  it('refuses when nothing is left open', () => {
    const s = opened();
    const allClosed = { ...s, milestones: s.milestones.map((m) => ({ ...m, phase: 'closed' as const })) };
    expect(refused(allClosed, request(), 'closed')).toBe('该项目已没有未办结的节点，无需申请办结');
  });
});

describe('销号 (decideClosure)', () => {
  const pending = () => run(opened(), request());

  it('confirms: every milestone still open closes as met, then the project closes completed', () => {
    const events = decide(pending(), decision(true, '同意销号'), now);
    expect(events).toEqual([
      { type: 'ClosureConfirmed', data: { requestId: 'closure-1', comment: '同意销号' } },
      { type: 'MilestoneClosed', data: { milestoneId: 'p/2017', outcome: 'met' } },
      { type: 'MilestoneClosed', data: { milestoneId: 'p/2018', outcome: 'met' } },
      { type: 'ProjectClosed', data: { outcome: 'completed' } },
    ]);
    const s = fold(pending(), events);
    expect(s.status).toBe('closed');
    expect(s.milestones.map((m) => [m.phase, m.outcome])).toEqual([
      ['closed', 'met'],
      ['closed', 'met'],
    ]);
    expect(s.closures![0]).toMatchObject({ status: 'confirmed', comment: '同意销号' });
  });

  it('answers a pending 延期申请 when it confirms, so none is left waiting on a closed project', () => {
    const extension = parseCommand({
      type: 'requestExtension',
      actor: lead,
      milestoneId: 'p/2017',
      reason: '资金未到位',
      requestedDueAt: '2018-03-31T09:00:00.000Z',
    });
    const s = fold(run(opened(), extension), decide(run(opened(), extension), request(), now));
    const events = decide(s, decision(true, '同意销号'), now);
    expect(events.slice(0, 2)).toEqual([
      { type: 'ClosureConfirmed', data: { requestId: 'closure-1', comment: '同意销号' } },
      {
        type: 'ExtensionDenied',
        data: { milestoneId: 'p/2017', requestId: 'p/2017/ext-1', comment: '项目已销号，延期申请不再审批' },
      },
    ]);
    expect(fold(s, events).milestones[0]!.extensions.map((x) => x.status)).toEqual(['denied']);
  });

  it('leaves a milestone already closed as it ended', () => {
    const reported = run(opened(), {
      type: 'submitReport',
      actor: lead,
      milestoneId: 'p/2017',
      narrative: '进展',
      values: [{ targetIndex: 0, value: 50 }],
      evidence: [],
    });
    const missed = run(reported, { type: 'approve', actor: inspector, milestoneId: 'p/2017', comment: '' });
    const s = run(run(missed, request()), decision(true));
    expect(s.milestones.map((m) => m.outcome)).toEqual(['missed', 'met']);
    expect(s.status).toBe('closed');
  });

  it('refuses with a reason: the project stays open and the unit may ask again', () => {
    const events = decide(pending(), decision(false, '2018年节点尚未验收'), now);
    expect(events).toEqual([
      { type: 'ClosureRefused', data: { requestId: 'closure-1', comment: '2018年节点尚未验收' } },
    ]);
    const s = fold(pending(), events);
    expect(s.status).toBe('active');
    expect(s.closures![0]).toMatchObject({ status: 'refused', comment: '2018年节点尚未验收' });
    expect(decide(s, request(), now)[0]!.data).toMatchObject({ requestId: 'closure-2' });
  });

  it('refuses a refusal without a reason', () => {
    expect(refused(pending(), decision(false, '  '), 'invalid_command')).toBe('不同意销号须填写理由');
  });

  it('lets only 督导处 decide', () => {
    refused(pending(), { ...decision(true), actor: lead }, 'forbidden');
  });

  it('refuses an unknown request and one already decided', () => {
    expect(refused(pending(), decision(true, '', 'closure-9'), 'not_found')).toBe('找不到办结申请 closure-9');
    refused(opened(), decision(true), 'not_found');
    const s = run(pending(), decision(false, '材料不全'));
    expect(refused(s, decision(true), 'conflict')).toBe('该办结申请已审批');
  });

  it('refuses on a cancelled project', () => {
    refused(run(pending(), { type: 'cancel', actor: inspector, reason: '撤销' }), decision(true), 'closed');
  });
});

describe('closures in the fold', () => {
  it('starts the list on state carried from a run that had none', () => {
    const carried = opened();
    expect(carried.closures).toBeUndefined();
    const s = evolve(carried, {
      type: 'ClosureRequested',
      data: { requestId: 'closure-1', unit: '基教处', narrative: '已完成', evidence: [] },
    });
    expect(s.closures).toHaveLength(1);
  });

  it('changes only the request the decision names', () => {
    const first = run(run(opened(), request()), decision(false, '材料不全'));
    const second = run(first, request());
    const s = evolve(second, { type: 'ClosureRefused', data: { requestId: 'closure-2', comment: '仍不全' } });
    expect(s.closures!.map((x) => [x.requestId, x.status, x.comment])).toEqual([
      ['closure-1', 'refused', '材料不全'],
      ['closure-2', 'refused', '仍不全'],
    ]);
  });
});
