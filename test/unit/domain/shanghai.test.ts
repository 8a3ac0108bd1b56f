import { shanghaiDate, shanghaiDateTime, shanghaiDay } from '../../../domain/shanghai';

// Around Beijing midnight, at noon, at the year's turn and at a leap day: the instants where a
// wrong time zone or a 24:00 hour cycle would show.
const instants = [
  '2016-04-01T15:59:59.999Z',
  '2016-04-01T16:00:00.000Z',
  '2016-02-28T16:00:05.000Z',
  '2017-12-31T15:30:00.000Z',
  '2017-12-31T16:00:00.000Z',
  '2020-06-15T04:07:09.000Z',
];

describe('dates as people read them, in Beijing time', () => {
  it.each(instants)('%s reads as toLocaleDateString and toLocaleString say', (iso) => {
    const at = new Date(iso);
    expect(shanghaiDay(iso)).toBe(at.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }));
    expect(shanghaiDay(at)).toBe(shanghaiDay(iso));
    const dateTime = at.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
    expect(shanghaiDateTime(iso)).toBe(dateTime);
    expect(shanghaiDateTime(at)).toBe(at.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }));
  });

  it('gives the Beijing calendar day, not the UTC one', () => {
    expect(shanghaiDay('2016-04-01T16:00:00.000Z')).toBe('2016/4/2');
    expect(shanghaiDateTime('2016-04-01T16:00:00.000Z')).toBe('2016/4/2 00:00:00');
    expect(shanghaiDate('2016-04-01T16:00:00.000Z')).toBe('2016-04-02');
  });
});
