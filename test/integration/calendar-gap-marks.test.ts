import { board, inbox } from '../../app/views';
import { assignmentIdOf } from '../../domain/project';
import { defaultPolicy, type CyclePolicy } from '../../domain/policy';
import { cycleReport, overdueReport } from '../../reports/builders';
import { LIVE_SCHEMA } from '../../db/projections/read-model';
import { freshDatabase, type TestDatabase } from '../support/db';
import { appendInOrder, CycleScript, inspector, milestonePlan } from '../support/event-builder';

/**
 * A deadline in a year the cycle's office calendar did not cover was computed on calendar days:
 * the inbox, the board and the reports mark it, so nobody takes it for a counted working day.
 * A cycle without an office calendar (the bundled one) has nothing to mark.
 */
describe('deadlines outside the office calendar', () => {
  let t: TestDatabase;
  const at = (day: string) => `${day}T09:00:00+08:00`;
  const due = '2017-06-30T17:00:00+08:00';
  const covers2016: CyclePolicy = {
    ...defaultPolicy(),
    calendar: { years: { '2016': { holidays: [], makeupWorkdays: [] } } },
  };

  async function cycle(cycleId: string, policy: CyclePolicy): Promise<void> {
    const s = new CycleScript(cycleId);
    const projectId = `p-${cycleId}`;
    const m = milestonePlan(projectId, due, []);
    s.cycle(
      at('2017-01-05'),
      {
        type: 'CycleStarted',
        data: {
          name: `日历标记测试 ${cycleId}`,
          planId: 'plan-1',
          planVersion: 1,
          scope: { kinds: ['major_project'] },
          window: { opensAt: at('2017-01-10'), submissionDueAt: due, reviewDueAt: at('2017-07-31') },
          policy,
          drill: null,
          itemIds: ['item-p1'],
          // Plan time all but stands still at 1 March 2017, whenever the test runs.
          clock: { realOrigin: '2026-01-01T00:00:00.000Z', planOrigin: at('2017-03-01'), scale: 1e-9 },
        },
      },
      inspector,
    );
    s.project(projectId, at('2017-01-10'), {
      type: 'ProjectStarted',
      data: {
        itemId: 'item-p1',
        kind: 'major_project',
        title: `学前教育三年行动计划（${cycleId}）`,
        section: '三、重大项目',
        leadUnit: '基教处',
        coUnits: [],
        targets: [],
        milestones: [m],
      },
    });
    s.project(projectId, at('2017-01-10'), { type: 'MilestoneOpened', data: { milestoneId: m.milestoneId } });
    s.project(projectId, at('2017-01-10'), {
      type: 'AssignmentCreated',
      data: {
        milestoneId: m.milestoneId,
        assignmentId: assignmentIdOf(m.milestoneId, 'lead', '基教处'),
        unit: '基教处',
        role: 'lead',
        dueAt: due,
      },
    });
    await appendInOrder(t.db, s.events);
  }

  beforeAll(async () => {
    t = await freshDatabase();
    await cycle('gap-c1', covers2016);
    await cycle('gap-c2', defaultPolicy());
  });
  afterAll(async () => t.drop());

  it('marks the inbox item and the board milestone with the uncovered year', async () => {
    const items = await inbox(t.db, '基教处');
    expect(Object.fromEntries(items.map((i) => [i.cycleId, i.calendarGap]))).toEqual({
      'gap-c1': 2017,
      'gap-c2': null,
    });
    const rows = await board(t.db);
    expect(Object.fromEntries(rows.map((r) => [r.cycleId, r.milestones.map((m) => m.calendarGap)]))).toEqual({
      'gap-c1': [2017],
      'gap-c2': [null],
    });
  });

  it('marks the deadline in the overdue and cycle reports, and names the year in the footer', async () => {
    const overdue = await overdueReport(t.db, {
      schema: LIVE_SCHEMA,
      cycleId: 'gap-c1',
      at: '2017-08-01T00:00:00.000Z',
    });
    expect(overdue.tables[0]!.rows[0]).toMatchObject({ due: '2017-06-30 ※' });
    expect(overdue.footer).toContain('※ 2017 年工作日历未录入：该期限按自然日推算。');
    const summary = await cycleReport(t.db, {
      schema: LIVE_SCHEMA,
      cycleId: 'gap-c1',
      at: '2017-03-01T00:00:00.000Z',
    });
    expect(summary.tables[1]!.rows[0]).toMatchObject({ next_due: '2017-06-30 ※' });

    const plain = await overdueReport(t.db, {
      schema: LIVE_SCHEMA,
      cycleId: 'gap-c2',
      at: '2017-08-01T00:00:00.000Z',
    });
    expect(plain.tables[0]!.rows[0]).toMatchObject({ due: '2017-06-30' });
    expect(plain.footer.join('')).not.toContain('※');
  });
});
