import ExcelJS from 'exceljs';
import type { Report } from './report';

/** One worksheet per table, the title and footer on each, numbers kept as numbers. */
export async function renderXlsx(report: Report): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'dudao';
  report.tables.forEach((table, i) => {
    // Sheet names are limited to 31 characters and must be unique.
    const sheet = book.addWorksheet(`${i + 1}.${table.title}`.slice(0, 31));
    sheet.addRow([report.title]).font = { bold: true, size: 14 };
    sheet.addRow([report.subtitle]);
    sheet.addRow([]);
    const header = sheet.addRow(table.columns.map((c) => c.label));
    header.font = { bold: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    for (const row of table.rows) sheet.addRow(table.columns.map((c) => row[c.key] ?? null));
    sheet.addRow([]);
    for (const line of report.footer) sheet.addRow([line]);
    table.columns.forEach((c, j) => {
      const widest = Math.max(c.label.length, ...table.rows.map((r) => String(r[c.key] ?? '').length));
      sheet.getColumn(j + 1).width = Math.min(60, Math.max(8, widest * 2));
    });
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
