import { rectificationsModel } from '../../../db/projections/rectifications';
import { foldModel } from '../../../db/projections/read-model';
import type { EventBody } from '../../../domain/events';
import { RECTIFICATIONS_CYCLE, carriedReason } from '../../../domain/rectification';
import { CycleScript, inspector, staffOf } from '../../support/event-builder';

const issued = (id: string): EventBody => ({
  type: 'RectificationIssued',
  data: {
    rectificationId: id,
    originCycleId: 'c2017',
    itemId: '2.1.4.1',
    milestoneId: '2.1.4.1/2017',
    title: '持续推进学前教育行动计划',
    reasons: ['逾期未报送（原定期限 2017-12-29）'],
    unit: '基教处',
    deadline: '2018-06-30T15:59:59.000Z',
    round: 1,
    carriedFrom: null,
    contextCycleId: 'c2017',
    documentNumber: '衢教督〔2018〕2号',
  },
});
const m = (id: string) => `${id}/report`;

/** Where a round ends: each story is one stream of the `rectifications` pseudo-cycle. */
function rowAfter(id: string, steps: [string, EventBody][]) {
  const s = new CycleScript(RECTIFICATIONS_CYCLE);
  s.project(id, '2018-02-01T09:00:00+08:00', issued(id), inspector);
  for (const [at, body] of steps)
    s.project(id, at, body, body.type.startsWith('Report') ? inspector : staffOf('基教处'));
  return Object.values(foldModel(rectificationsModel, s.events, undefined).rectifications!)[0]!;
}

describe('the rectifications read model', () => {
  it('opens a row from RectificationIssued', () => {
    expect(rowAfter('ZG-1', [])).toMatchObject({
      cycle_id: RECTIFICATIONS_CYCLE,
      project_id: 'ZG-1',
      origin_cycle_id: 'c2017',
      status: 'issued',
      due_at: '2018-06-30T15:59:59.000Z',
      document_number: '衢教督〔2018〕2号',
      issued_by: inspector.userId,
    });
  });

  it('follows the 整改报告 through a return to 销号', () => {
    const report = (round: number): EventBody => ({
      type: 'ReportSubmitted',
      data: {
        milestoneId: m('ZG-2'),
        assignmentId: `${m('ZG-2')}/lead`,
        unit: '基教处',
        round,
        narrative: '已整改',
        values: [],
        evidence: [],
        late: false,
        lateAgainstOriginal: false,
      },
    });
    const row = rowAfter('ZG-2', [
      ['2018-03-01T09:00:00+08:00', report(1)],
      [
        '2018-03-02T09:00:00+08:00',
        { type: 'ReportReturned', data: { milestoneId: m('ZG-2'), round: 1, comment: '补材料' } },
      ],
      ['2018-03-03T09:00:00+08:00', report(2)],
      [
        '2018-03-04T09:00:00+08:00',
        {
          type: 'ReportApproved',
          data: { milestoneId: m('ZG-2'), round: 2, comment: '', verdict: 'met', results: [] },
        },
      ],
      [
        '2018-03-04T09:00:00+08:00',
        { type: 'MilestoneClosed', data: { milestoneId: m('ZG-2'), outcome: 'met' } },
      ],
    ]);
    expect(row).toMatchObject({ status: 'struck_off', rounds: 2, returns: 1, outcome: 'met' });
  });

  it('closes unanswered as missed, and a round cancelled to go on in the next cycle as carried', () => {
    expect(
      rowAfter('ZG-3', [
        [
          '2018-08-01T09:00:00+08:00',
          { type: 'MilestoneClosed', data: { milestoneId: m('ZG-3'), outcome: 'missed' } },
        ],
      ]),
    ).toMatchObject({ status: 'missed', outcome: 'missed' });
    const cancelled = (reason: string): [string, EventBody][] => [
      ['2018-05-01T09:00:00+08:00', { type: 'ProjectCancelled', data: { reason } }],
      [
        '2018-05-01T09:00:00+08:00',
        { type: 'MilestoneClosed', data: { milestoneId: m('ZG-4'), outcome: 'cancelled' } },
      ],
    ];
    expect(rowAfter('ZG-4', cancelled(carriedReason('c2018', 'ZG-4-R2')))).toMatchObject({
      status: 'carried',
    });
    expect(rowAfter('ZG-4', cancelled('事项已调整'))).toMatchObject({ status: 'cancelled' });
  });
});
