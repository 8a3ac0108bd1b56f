import fs from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { parseHolidayNotice } from '../../domain/holiday-notice';
import { isWorkingDateIn, type WorkCalendar } from '../../domain/work-calendar';
import { importWorkCalendar, newestVersions } from '../../db/work-calendar';
import { decodePlanBytes } from '../../seeds/parser/decode';
import { withDatabase } from '../context';
import { run } from '../run';

const WEEKDAYS = '日一二三四五六';
const dayLabel = (date: string): string =>
  `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日（周${WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]}）`;
const nextDay = (date: string): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Consecutive days off as periods: 10月1日（周五）至10月7日（周四），共7天. */
function periods(days: string[]): string[] {
  const out: string[][] = [];
  for (const d of [...days].sort()) {
    const last = out.at(-1);
    if (last && nextDay(last.at(-1)!) === d) last.push(d);
    else out.push([d]);
  }
  return out.map((p) =>
    p.length === 1
      ? `${dayLabel(p[0]!)}，1天`
      : `${dayLabel(p[0]!)}至${dayLabel(p.at(-1)!)}，共${p.length}天`,
  );
}

const operator = () => `cli:${process.env.USER ?? 'unknown'}`;
const Year = z.coerce.number().int().min(1949).max(2200);

/** 工作日历: import the State Council's annual notice, show a year's holidays and 调休 days. */
export function registerCalendarCommands(program: Command): void {
  const calendar = program
    .command('calendar')
    .description('工作日历：导入国务院办公厅节假日安排通知、查看某年放假和调休安排');

  calendar
    .command('import <通知文件>')
    .description(
      '导入“国务院办公厅关于YYYY年部分节假日安排的通知”全文（纯文本，UTF-8 或 GBK），作为该年日历的新版本',
    )
    .option('--by <姓名>', '导入人（记入日历版本）')
    .action((file: string, opts: { by?: string }) =>
      run(async () => {
        if (!fs.existsSync(file)) throw new Error(`找不到文件 ${file}：请给出通知文本文件的路径。`);
        const decoded = decodePlanBytes(fs.readFileSync(file));
        if (!decoded.ok) throw new Error(`${file}：${decoded.error}`);
        const parsed = parseHolidayNotice(decoded.text);
        if (!parsed.ok) throw new Error(`${file} 未导入：${parsed.error}`);
        const n = parsed.notice;
        await withDatabase(async ({ db }) => {
          const [before] = await newestVersions(db, [n.year]);
          const result = await importWorkCalendar(db, {
            year: n.year,
            holidays: n.holidays,
            makeupWorkdays: n.makeupWorkdays,
            source: n.source,
            sourceText: decoded.text,
            importedBy: opts.by ?? operator(),
          });
          if (result.unchanged) {
            console.log(`${n.year}年日历与现行第${result.version}版为同一通知，未重复导入。`);
            return;
          }
          console.log(
            `已导入${n.year}年日历（第${result.version}版）：放假 ${n.holidays.length} 天，调休上班 ${n.makeupWorkdays.length} 天。`,
          );
          console.log(`来源：${n.source}`);
          if (before) {
            const added = n.holidays.filter((d) => !before.holidays.includes(d)).length;
            const removed = before.holidays.filter((d) => !n.holidays.includes(d)).length;
            console.log(
              `与第${before.version}版（${before.source}）相比：放假日增加 ${added} 天、减少 ${removed} 天。`,
            );
          }
          console.log(`查看：dudao calendar show ${n.year}`);
        });
      }),
    );

  calendar
    .command('show <年份>')
    .description('查看某年的放假安排、调休上班日和全年工作日数')
    .action((yearText: string) =>
      run(async () => {
        const parsedYear = Year.safeParse(yearText);
        if (!parsedYear.success) throw new Error(`年份“${yearText}”无效：请写四位数年份，例如 2027。`);
        const year = parsedYear.data;
        await withDatabase(async ({ db }) => {
          const [v] = await newestVersions(db, [year]);
          if (!v)
            throw new Error(
              `${year}年还没有官方工作日历：工作日期限在该年按自然日计算。请用 dudao calendar import <通知文件> 导入国务院办公厅关于${year}年部分节假日安排的通知。`,
            );
          const cal: WorkCalendar = {
            years: { [year]: { holidays: v.holidays, makeupWorkdays: v.makeupWorkdays } },
          };
          const inYear = (d: string) => d.startsWith(`${year}-`);
          let workdays = 0;
          for (let d = `${year}-01-01`; inYear(d); d = nextDay(d)) if (isWorkingDateIn(cal, d)) workdays++;
          console.log(`${year}年工作日历（第${v.version}版）`);
          console.log(`来源：${v.source}`);
          console.log(`导入：${v.importedAt.slice(0, 10)}，${v.importedBy}`);
          console.log('\n放假：');
          for (const p of periods(v.holidays)) console.log(`  ${p}`);
          console.log('\n调休上班：');
          console.log(v.makeupWorkdays.length ? `  ${v.makeupWorkdays.map(dayLabel).join('、')}` : '  无');
          console.log(`\n全年工作日：${workdays} 天`);
        });
      }),
    );
}
