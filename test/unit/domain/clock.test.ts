import { drillClock, planNow, realClock, realDelayMs } from '../../../domain/clock';

describe('plan clock', () => {
  it('runs plan time at real speed for a normal cycle', () => {
    const c = realClock('2017-03-01T00:00:00.000Z');
    expect(planNow(c, Date.parse('2017-03-02T00:00:00.000Z'))).toBe('2017-03-02T00:00:00.000Z');
    expect(realDelayMs(c, '2017-03-01T00:00:10.000Z', Date.parse('2017-03-01T00:00:00.000Z'))).toBe(10_000);
  });

  it('compresses a plan year into the drill seconds, both ways', () => {
    const c = drillClock('2026-11-29T00:00:00.000Z', '2016-01-01T00:00:00.000Z', 20);
    const realStart = Date.parse('2026-11-29T00:00:00.000Z');
    expect(planNow(c, realStart + 20_000).slice(0, 10)).toBe('2016-12-31');
    expect(realDelayMs(c, '2017-01-01T00:00:00.000Z', realStart)).toBeGreaterThan(19_900);
    expect(realDelayMs(c, '2017-01-01T00:00:00.000Z', realStart)).toBeLessThan(20_100);
    expect(realDelayMs(c, '2015-06-01T00:00:00.000Z', realStart)).toBe(0);
  });
});
