import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/db';
import { loadWorkCalendar, newestVersions } from '../../db/work-calendar';
import { calendarCovers, isWorkingDayIn } from '../../domain/work-calendar';
import { cycleYears, yearWindow } from '../../domain/cycle';
import { defaultPolicy } from '../../domain/policy';
import { calendarWarning, withOfficeCalendar } from '../../app/cycle-calendar';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');
const fixtures = path.join(__dirname, '..', 'fixtures', 'calendar');

/** The office's calendar: seeded from the bundled data, extended and corrected by notice imports. */
describe('the official working-day calendar', () => {
  let t: TestDatabase;
  let scratch: string;
  const dudao = (...args: string[]) =>
    spawnSync(process.execPath, [cli, 'calendar', ...args], {
      env: { ...process.env, DATABASE_URL: t.url },
      encoding: 'utf8',
      timeout: 60_000,
    });

  beforeAll(async () => {
    t = await freshDatabase();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-calendar-'));
  });
  afterAll(async () => {
    await t.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('is seeded with the years to 2026 from the bundled chinese-days data on migration', async () => {
    const seeded = await newestVersions(t.db);
    expect(seeded.map((v) => v.year)).toEqual(Array.from({ length: 2026 - 2004 + 1 }, (_, i) => 2004 + i));
    const cal = await loadWorkCalendar(t.db, [2026, 2027]);
    expect(Object.keys(cal.years)).toEqual(['2026']);
    expect(cal.years['2026']!.makeupWorkdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });

  it('says a year has no calendar yet, and what to do', () => {
    const shown = dudao('show', '2027');
    expect(shown.status).toBe(1);
    expect(shown.stderr).toMatch(
      /2027年还没有官方工作日历：工作日期限在该年按自然日计算。请用 dudao calendar import/,
    );
  });

  it("copies the calendar of a cycle's years into its policy, and warns of a year it lacks", async () => {
    const window = yearWindow(2026, 1, 'next_workday');
    expect(cycleYears(window)).toEqual([2026, 2027]);
    const policy = await withOfficeCalendar(t.db, defaultPolicy(), window);
    expect(Object.keys(policy.calendar!.years)).toEqual(['2026']);
    expect(calendarWarning(policy, window)).toMatch(/工作日历尚未录入 2027 年.*dudao calendar import/);
    // A policy that fixed its calendar keeps it; a cycle inside covered years reads no warning.
    const fixed = { ...defaultPolicy(), calendar: { years: {} } };
    expect(await withOfficeCalendar(t.db, fixed, window)).toBe(fixed);
    // Years the office has no calendar for are copied as such, not left to the bundled package.
    const later = yearWindow(2030, 1, 'next_workday');
    const uncovered = await withOfficeCalendar(t.db, defaultPolicy(), later);
    expect(uncovered.calendar).toEqual({ years: {} });
    expect(calendarWarning(uncovered, later)).toMatch(/2030、2031 年/);
    const inside = yearWindow(2024, 1, 'next_workday');
    expect(calendarWarning(await withOfficeCalendar(t.db, defaultPolicy(), inside), inside)).toBeNull();
  });

  it('imports the 2027 notice as version 1, and 2027-10-01 stops being a working day', async () => {
    const before = await loadWorkCalendar(t.db, [2027]);
    expect(calendarCovers(before, 2027)).toBe(false);
    expect(isWorkingDayIn(before, '2027-10-01T04:00:00.000Z')).toBe(true);

    const imported = dudao('import', path.join(fixtures, '2027-holiday-notice.txt'), '--by', '张三');
    expect({ status: imported.status, stderr: imported.stderr }).toEqual({ status: 0, stderr: '' });
    expect(imported.stdout).toMatch(/已导入2027年日历（第1版）：放假 28 天，调休上班 6 天。/);

    const after = await loadWorkCalendar(t.db, [2027]);
    expect(calendarCovers(after, 2027)).toBe(true);
    expect(isWorkingDayIn(after, '2027-10-01T04:00:00.000Z')).toBe(false);
    const [v] = await newestVersions(t.db, [2027]);
    expect(v).toMatchObject({
      version: 1,
      importedBy: '张三',
      source: expect.stringMatching(/2027年部分节假日/),
    });

    const again = dudao('import', path.join(fixtures, '2027-holiday-notice.txt'));
    expect(again.stdout).toMatch(/与现行第1版为同一通知，未重复导入/);
    expect((await newestVersions(t.db, [2027]))[0]!.version).toBe(1);
  });

  it('keeps every version; the newest is in force', async () => {
    // An amended notice (as in 2019, when 劳动节 was changed after publication).
    const amended = fs
      .readFileSync(path.join(fixtures, '2027-holiday-notice.txt'), 'utf8')
      .replace(
        '五、端午节：6月9日（周三）放假1天，不调休。',
        '五、端午节：6月9日（周三）至11日（周五）放假调休，共3天。6月12日（周六）上班。',
      );
    const file = path.join(scratch, 'amended.txt');
    fs.writeFileSync(file, amended);
    const imported = dudao('import', file);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/第2版.*\n.*\n与第1版（.*）相比：放假日增加 2 天、减少 0 天。/);
    const cal = await loadWorkCalendar(t.db, [2027]);
    expect(isWorkingDayIn(cal, '2027-06-10T04:00:00.000Z')).toBe(false);
    expect(isWorkingDayIn(cal, '2027-06-12T04:00:00.000Z')).toBe(true);
    const { rows } = await t.db
      .selectFrom('work_calendar')
      .select(['version'])
      .where('year', '=', 2027)
      .orderBy('version')
      .execute()
      .then((r) => ({ rows: r }));
    expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('shows a year in Chinese: holiday periods, 调休 days, working days in the year', () => {
    const shown = dudao('show', '2027');
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('2027年工作日历（第2版）');
    expect(shown.stdout).toContain('10月1日（周五）至10月7日（周四），共7天');
    expect(shown.stdout).toContain('9月15日（周三），1天');
    expect(shown.stdout).toMatch(
      /调休上班：\n {2}1月31日（周日）、2月20日（周六）、4月25日（周日）、5月8日（周六）、6月12日（周六）、9月26日（周日）、10月9日（周六）/,
    );
    // 365 days − 104 weekend days − 20 holidays on weekdays + 7 make-up Saturdays and Sundays.
    expect(shown.stdout).toMatch(/全年工作日：248 天/);
  });

  it('refuses a file that is not a notice, changing nothing', async () => {
    const file = path.join(scratch, 'wrong.txt');
    fs.writeFileSync(file, '关于做好2027年督查工作的通知\n一、总体要求：按时报送。');
    const refused = dudao('import', file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/未导入：没有找到通知标题/);
    expect((await newestVersions(t.db, [2027]))[0]!.version).toBe(2);
  });
});
