import { subAssignmentsModel } from '../../../db/projections/sub-assignments';
import { foldModel } from '../../../db/projections/read-model';
import {
  bodiesBelow,
  bodiesToAdd,
  DirectoryRejected,
  parseBodiesCsv,
  type DirectoryEntry,
} from '../../../domain/unit-directory';
import { CycleScript, staffOf } from '../../support/event-builder';

const plan: DirectoryEntry[] = [
  { name: '基教处', parent: null },
  { name: '计财处', parent: null },
];
const refused = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(DirectoryRejected);
    return (err as Error).message;
  }
  throw new Error('not refused');
};

describe('the unit directory’s bodies', () => {
  it('reads 上级单位,单位名称 rows in any column order, with a BOM and blank lines', () => {
    expect(
      parseBodiesCsv('\uFEFF单位名称,上级单位\n柯城区教育局,基教处\n\n 衢江区实验小学 , 衢江区教育局 \n'),
    ).toEqual([
      { line: 2, parent: '基教处', name: '柯城区教育局' },
      { line: 3, parent: '衢江区教育局', name: '衢江区实验小学' },
    ]);
    expect(refused(() => parseBodiesCsv('单位,上级\n柯城区教育局,基教处'))).toMatch(/^第1行应为表头/);
    expect(refused(() => parseBodiesCsv('上级单位,单位名称\n基教处,'))).toBe(
      '第2行：上级单位和单位名称都不能为空',
    );
  });

  it('nests to any depth when a parent comes first, and adds nothing twice', () => {
    const rows = parseBodiesCsv('上级单位,单位名称\n基教处,衢江区教育局\n衢江区教育局,衢江区实验小学');
    const added = bodiesToAdd(plan, rows);
    expect(added).toEqual([
      { name: '衢江区教育局', parent: '基教处' },
      { name: '衢江区实验小学', parent: '衢江区教育局' },
    ]);
    expect(bodiesToAdd([...plan, ...added], rows)).toEqual([]);
    expect(bodiesBelow([...plan, ...added], '基教处')).toEqual(['衢江区教育局']);
    expect(bodiesBelow([...plan, ...added], '衢江区教育局')).toEqual(['衢江区实验小学']);
  });

  it('refuses an unknown parent, a plan unit, a body moved under another parent and a self-parent', () => {
    const row = (parent: string, name: string) => [{ line: 2, parent, name }];
    expect(refused(() => bodiesToAdd(plan, row('衢江区教育局', '衢江区实验小学')))).toBe(
      '第2行：上级单位“衢江区教育局”不在单位目录中：请先导入规划，或在前面的行中登记它',
    );
    expect(refused(() => bodiesToAdd(plan, row('基教处', '计财处')))).toBe(
      '第2行：“计财处”是规划中的责任单位，不能登记为下级单位',
    );
    const county = [...plan, { name: '柯城区教育局', parent: '基教处' }];
    expect(refused(() => bodiesToAdd(county, row('计财处', '柯城区教育局')))).toBe(
      '第2行：“柯城区教育局”已登记在“基教处”之下，不能再登记在“计财处”之下',
    );
    expect(refused(() => bodiesToAdd(plan, row('基教处', '基教处')))).toBe(
      '第2行：“基教处”不能是自己的上级单位',
    );
  });
});

describe('the sub_assignments read model', () => {
  it('opens a row with the dispatch and follows the body’s report, its review and the close', () => {
    const s = new CycleScript('dispatch');
    const record = {
      subAssignmentId: 'XF-1',
      parentCycleId: 'c2017',
      parentProjectId: 'p1',
      parentMilestoneId: 'p1/2017',
      rootCycleId: 'c2017',
      rootProjectId: 'p1',
      unit: '基教处',
      body: '柯城区教育局',
      text: '落实',
      deadline: '2017-12-22T23:59:59+08:00',
      parentDueAt: '2017-12-29T23:59:59+08:00',
    };
    s.project(
      'XF-1',
      '2017-03-01T09:00:00+08:00',
      { type: 'SubAssignmentDispatched', data: record },
      staffOf('基教处'),
    );
    s.project('XF-1', '2017-03-01T09:00:00+08:00', {
      type: 'MilestoneOpened',
      data: { milestoneId: 'XF-1/reply' },
    });
    const opened = foldModel(subAssignmentsModel, s.events, undefined).sub_assignments!['XF-1'];
    expect(opened).toMatchObject({
      cycle_id: 'dispatch',
      parent_project_id: 'p1',
      body: '柯城区教育局',
      phase: 'assigned',
      due_at: '2017-12-22T15:59:59.000Z',
      dispatched_by: '基教处-经办',
    });
    s.project(
      'XF-1',
      '2017-04-01T09:00:00+08:00',
      {
        type: 'ReportSubmitted',
        data: {
          milestoneId: 'XF-1/reply',
          assignmentId: 'XF-1/reply/lead',
          unit: '柯城区教育局',
          round: 1,
          narrative: '已完成',
          values: [{ targetIndex: 0, value: 85 }],
          evidence: [],
          late: false,
          lateAgainstOriginal: false,
        },
      },
      staffOf('柯城区教育局'),
    );
    s.project('XF-1', '2017-04-02T09:00:00+08:00', {
      type: 'MilestoneClosed',
      data: { milestoneId: 'XF-1/reply', outcome: 'met' },
    });
    s.project('XF-1', '2017-04-02T09:00:00+08:00', { type: 'ProjectClosed', data: { outcome: 'completed' } });
    expect(foldModel(subAssignmentsModel, s.events, undefined).sub_assignments!['XF-1']).toMatchObject({
      phase: 'closed',
      outcome: 'met',
      status: 'closed',
      rounds: 1,
      reported_values: [{ targetIndex: 0, value: 85 }],
      reported_at: '2017-04-01T01:00:00.000Z',
      closed_at: '2017-04-02T01:00:00.000Z',
    });
  });

  it('has no row for the events of a plan item', () => {
    const s = new CycleScript('c2017');
    s.project('p1', '2017-03-01T09:00:00+08:00', {
      type: 'MilestoneOpened',
      data: { milestoneId: 'p1/2017' },
    });
    expect(foldModel(subAssignmentsModel, s.events, undefined)).toEqual({});
  });
});
