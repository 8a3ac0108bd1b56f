import { closureRequestsModel, type ClosureRequestsState } from '../../../db/projections/closure-requests';
import { instructionsModel } from '../../../db/projections/instructions';
import { foldModel, statesFromRows, stateId, type ScopeStates } from '../../../db/projections/read-model';
import type { DomainEvent } from '../../../domain/events';
import { CycleScript, inspector, staffOf } from '../../support/event-builder';

const evidence = [{ ref: 'evidence:a', sha256: 'a'.repeat(64), name: '验收报告.pdf' }];

/** Two projects of one cycle, each with a request `closure-1`: p1's refused then re-filed, p2's confirmed. */
function script(): CycleScript {
  const s = new CycleScript('c2017');
  const requested = (projectId: string, requestId: string, at: string) =>
    s.project(
      projectId,
      at,
      { type: 'ClosureRequested', data: { requestId, unit: '基教处', narrative: '已提前建成', evidence } },
      staffOf('基教处'),
    );
  requested('p1', 'closure-1', '2017-05-01T09:00:00+08:00');
  requested('p2', 'closure-1', '2017-05-02T09:00:00+08:00');
  s.project(
    'p1',
    '2017-05-03T09:00:00+08:00',
    { type: 'ClosureRefused', data: { requestId: 'closure-1', comment: '2018年节点尚未验收' } },
    inspector,
  );
  requested('p1', 'closure-2', '2017-05-04T09:00:00+08:00');
  s.project(
    'p2',
    '2017-05-05T09:00:00+08:00',
    { type: 'ClosureConfirmed', data: { requestId: 'closure-1', comment: '同意销号' } },
    inspector,
  );
  return s;
}

const ofProject = (events: DomainEvent[], projectId: string) =>
  events.filter((e) => e.projectId === projectId);

describe('closure requests', () => {
  it('keeps every request of a project with its decision, who decided and when', () => {
    const { events } = script();
    const p1 = Object.values(
      foldModel(closureRequestsModel, ofProject(events, 'p1'), undefined).closure_requests!,
    );
    expect(p1.map((r) => [r.request_id, r.status, r.decision_comment])).toEqual([
      ['closure-1', 'refused', '2018年节点尚未验收'],
      ['closure-2', 'pending', null],
    ]);
    const [p2] = Object.values(
      foldModel(closureRequestsModel, ofProject(events, 'p2'), undefined).closure_requests!,
    );
    expect(p2).toEqual({
      cycle_id: 'c2017',
      project_id: 'p2',
      request_id: 'closure-1',
      unit: '基教处',
      narrative: '已提前建成',
      evidence,
      requested_at: '2017-05-02T01:00:00.000Z',
      requested_by: '基教处-经办',
      status: 'confirmed',
      decision_comment: '同意销号',
      decided_at: '2017-05-05T01:00:00.000Z',
      decided_by: inspector.userId,
    });
  });

  it('finds its rows again as the event store loads them, so a decision after a reload lands', () => {
    const { events } = script();
    const before = ofProject(events, 'p1').slice(0, 1);
    const rows = Object.values(foldModel(closureRequestsModel, before, undefined).closure_requests!);
    const states: ScopeStates = new Map();
    statesFromRows(closureRequestsModel, ['c2017\u0001p1'], { closure_requests: rows }, states);
    const loaded = states.get(stateId(closureRequestsModel, 'c2017\u0001p1')) as ClosureRequestsState;
    const decided = closureRequestsModel.evolve(loaded, ofProject(events, 'p1')[1]!, undefined);
    expect(Object.values(decided.closure_requests!)).toEqual([
      expect.objectContaining({ request_id: 'closure-1', status: 'refused' }),
    ]);
  });
});

describe('instructions closed by 销号', () => {
  it('counts a 批示 whose milestone closes met without a report as done', () => {
    const s = new CycleScript('instructions');
    s.project('i1', '2017-05-01T09:00:00+08:00', {
      type: 'InstructionRecorded',
      data: {
        instructionId: 'i1',
        leader: '张局长',
        issuedOn: '2017-04-28',
        text: '抓紧推进',
        unit: '基教处',
        coUnits: [],
        deadline: '2017-06-30T17:00:00+08:00',
        evidence: [],
        linkedItemId: null,
        linkedCycleId: null,
      },
    });
    s.project('i1', '2017-05-10T09:00:00+08:00', {
      type: 'MilestoneClosed',
      data: { milestoneId: 'i1/reply', outcome: 'met' },
    });
    expect(foldModel(instructionsModel, s.events, undefined).instructions!.i1).toMatchObject({
      status: 'done',
      outcome: 'met',
    });
  });
});
