import { readModels, readModelNamed } from '../../../db/projections/models';
import {
  foldModel,
  statesFromRows,
  stateId,
  type ReadModel,
  type ScopeStates,
  type TablesState,
} from '../../../db/projections/read-model';
import type { DomainEvent } from '../../../domain/events';
import { CycleScript, demoCycle, milestonePlan, staffOf } from '../../support/event-builder';

const projectModels = readModels.filter((m) => m.scope === 'projectId');

/** The rows of a state as the event store reads them back: each table's rows, keys dropped. */
function reloaded(model: ReadModel, scope: string, state: TablesState): TablesState {
  const rows = Object.fromEntries(
    Object.entries(state).map(([table, byKey]) => [table, Object.values(byKey!)]),
  );
  const states: ScopeStates = new Map();
  statesFromRows(model, [scope], rows, states);
  return states.get(stateId(model, scope))!;
}

/** Folds one project's events, reading the rows back before every event as a live append does. */
function foldReloading(model: ReadModel, events: readonly DomainEvent[], context: unknown): TablesState {
  const scope = `${events[0]!.cycleId}\u0001${events[0]!.projectId}`;
  return events.reduce((state, e) => model.evolve(reloaded(model, scope, state), e, context), {});
}

/** Each table's rows; a table with none is left out (a reload gives every table an empty map). */
const rowsOf = (state: TablesState) =>
  Object.fromEntries(
    Object.entries(state)
      .map(([table, byKey]) => [table, Object.values(byKey!)] as const)
      .filter(([, rows]) => rows.length > 0),
  );

/** 定期反馈 periods of one project: reminded and escalated, one reported, one missed, then 转办. */
function periodsScript(): DomainEvent[] {
  const s = new CycleScript('c2017');
  const period = (n: number) => ({
    periodId: `p1/p2017-0${n}`,
    label: `2017年${n}月`,
    opensAt: `2017-0${n}-01T00:00:00.000Z`,
    dueAt: `2017-0${n}-25T09:00:00.000Z`,
    missAt: `2017-0${n + 1}-05T09:00:00.000Z`,
  });
  s.project('p1', '2017-01-05T01:00:00.000Z', {
    type: 'ProjectStarted',
    data: {
      itemId: 'p1',
      kind: 'major_project',
      title: '学前教育',
      section: '重大项目',
      leadUnit: '基教处',
      coUnits: [],
      targets: [],
      milestones: [milestonePlan('p1', '2017-06-30T09:00:00.000Z', [])],
      periods: [period(1), period(2)],
    },
  });
  const notice = { assignmentId: 'p1/lead', unit: '基教处', dueAt: period(2).dueAt };
  s.project('p1', '2017-02-20T01:00:00.000Z', {
    type: 'ReminderSent',
    data: { ...notice, milestoneId: 'p1/p2017-02', leadTime: '5天', notificationId: 'n1' },
  });
  s.project(
    'p1',
    '2017-01-20T01:00:00.000Z',
    {
      type: 'ProgressReported',
      data: {
        periodId: 'p1/p2017-01',
        unit: '基教处',
        narrative: '按期推进',
        values: [],
        evidence: [],
        late: false,
      },
    },
    staffOf('基教处'),
  );
  s.project('p1', '2017-02-26T01:00:00.000Z', {
    type: 'EscalationRaised',
    data: {
      ...notice,
      milestoneId: 'p1/p2017-02',
      level: 1,
      target: 'unit_head',
      reason: 'overdue',
      notificationId: 'n2',
    },
  });
  s.project('p1', '2017-03-05T09:00:00.000Z', {
    type: 'ProgressPeriodMissed',
    data: { periodId: 'p1/p2017-02', unit: '基教处', dueAt: period(2).dueAt },
  });
  return s.events;
}

/**
 * A live append folds an event over the rows it reads back from the table, a rebuild over rows it
 * keeps in memory: every model must find its rows either way (progress_periods once keyed its rows
 * by period alone, so after a reload its reports and misses fell through).
 */
describe('project-scoped read models read their own rows back', () => {
  const { events } = demoCycle();
  const projects = [...new Set(events.map((e) => e.projectId).filter((p): p is string => p !== null))];
  const cycleState = foldModel(readModelNamed('cycles'), events, undefined);

  it.each(projectModels.map((m) => [m.name, m] as const))('%s over the demo cycle', (_name, model) => {
    const context = model.contextOf?.(cycleState);
    for (const projectId of projects) {
      const own = events.filter((e) => e.projectId === projectId);
      expect(rowsOf(foldReloading(model, own, context))).toEqual(rowsOf(foldModel(model, own, context)));
    }
  });

  it('progress_periods over reported, reminded, escalated and missed periods', () => {
    const model = readModelNamed('progress_periods');
    const own = periodsScript();
    const live = rowsOf(foldReloading(model, own, undefined));
    expect(live).toEqual(rowsOf(foldModel(model, own, undefined)));
    expect(live.progress_periods).toEqual([
      expect.objectContaining({ period_id: 'p1/p2017-01', status: 'reported', late: false }),
      expect.objectContaining({
        period_id: 'p1/p2017-02',
        status: 'missed',
        reminded: true,
        escalated: true,
      }),
    ]);
  });
});

describe('progress_periods rebuilt over several projects', () => {
  /** Two projects of one unit, each with an open month; p1's lead is 转办, p2 is 办结. */
  function twoProjects(): DomainEvent[] {
    const s = new CycleScript('c2017');
    for (const p of ['p1', 'p2'])
      s.project(p, '2017-01-05T01:00:00.000Z', {
        type: 'ProjectStarted',
        data: {
          itemId: p,
          kind: 'major_project',
          title: p,
          section: '重大项目',
          leadUnit: '基教处',
          coUnits: [],
          targets: [],
          milestones: [milestonePlan(p, '2017-06-30T09:00:00.000Z', [])],
          periods: [
            {
              periodId: `${p}/p2017-03`,
              label: '2017年3月',
              opensAt: '2017-02-25T09:00:00.000Z',
              dueAt: '2017-03-25T09:00:00.000Z',
              missAt: '2017-04-05T09:00:00.000Z',
            },
          ],
        },
      });
    s.project('p1', '2017-02-01T01:00:00.000Z', {
      type: 'AssignmentReassigned',
      data: { assignmentId: 'p1/2017/lead', fromUnit: '基教处', toUnit: '职成教处', reason: '职能调整' },
    });
    s.project('p2', '2017-02-02T01:00:00.000Z', { type: 'ProjectClosed', data: { outcome: 'completed' } });
    return s.events;
  }

  it('moves only the reassigned project’s periods and waives only the closed project’s', () => {
    const rows = rowsOf(foldModel(readModelNamed('progress_periods'), twoProjects(), undefined));
    expect(rows.progress_periods).toEqual([
      expect.objectContaining({ project_id: 'p1', unit: '职成教处', status: 'open' }),
      expect.objectContaining({ project_id: 'p2', unit: '基教处', status: 'waived' }),
    ]);
  });
});
