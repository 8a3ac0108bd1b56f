import { defaultPolicy } from '../../domain/policy';
import { defaultReportCycle } from '../../reports/queries';
import { LIVE_SCHEMA } from '../../db/projections/read-model';
import { freshDatabase, type TestDatabase } from '../support/db';
import { appendInOrder, CycleScript, inspector } from '../support/event-builder';
import { runCli } from '../support/cli';

/**
 * A report without --cycle covers one cycle, and says which: the most recently started open one
 * (else the most recently started); --all-cycles merges every cycle on purpose.
 */
describe('the cycle a report covers by default', () => {
  let t: TestDatabase;
  const at = (day: string) => `${day}T09:00:00+08:00`;
  const started = (cycleId: string, day: string, name: string): CycleScript => {
    const s = new CycleScript(cycleId);
    s.cycle(
      at(day),
      {
        type: 'CycleStarted',
        data: {
          name,
          planId: 'plan-1',
          planVersion: 1,
          scope: { kinds: ['major_project'] },
          window: { opensAt: at(day), submissionDueAt: at('2017-12-29'), reviewDueAt: at('2018-01-31') },
          policy: defaultPolicy(),
          drill: null,
          itemIds: [],
        },
      },
      inspector,
    );
    return s;
  };

  beforeAll(async () => {
    t = await freshDatabase();
    await appendInOrder(t.db, started('older', '2017-01-05', '年初周期').events);
    const newer = started('newer', '2017-02-05', '二月周期');
    newer.cycle(at('2017-02-06'), { type: 'CycleClosed', data: { projects: 0, outcome: 'completed' } });
    await appendInOrder(t.db, newer.events);
  });
  afterAll(async () => t.drop());

  it('is the most recently started open cycle, not a newer finished one', async () => {
    expect(await defaultReportCycle(t.db, LIVE_SCHEMA)).toEqual({
      cycleId: 'older',
      name: '年初周期',
      open: true,
    });
  });

  it('is named on stderr by the CLI, and --all-cycles goes without it', async () => {
    const one = await runCli({ DATABASE_URL: t.url }, 'report', 'units', '--csv');
    expect(one.status).toBe(0);
    expect(one.stderr).toContain(
      '未指定 --cycle：按督导周期 older（年初周期，进行中）统计；汇总全部周期请加 --all-cycles。',
    );
    const all = await runCli({ DATABASE_URL: t.url }, 'report', 'units', '--csv', '--all-cycles');
    expect(all.status).toBe(0);
    expect(all.stderr).not.toContain('未指定 --cycle');
  });
});
