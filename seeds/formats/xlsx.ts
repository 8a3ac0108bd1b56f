/**
 * Excel (.xlsx): exceljs reads the workbook; each visible sheet with content becomes one table, merged
 * ranges becoming spans. Values are read as a person sees them: a date cell as 2025年6月30日, a number as
 * written, a formula by its result.
 */
import ExcelJS from 'exceljs';
import { corruptOffice } from './docx';
import type { DocumentBlock, ReadOutcome, TableCell } from './model';

export async function readXlsx(bytes: Uint8Array): Promise<ReadOutcome> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    return { ok: false, error: corruptOffice('Excel') };
  }
  const blocks: DocumentBlock[] = [];
  const notes: string[] = [];
  for (const sheet of workbook.worksheets) {
    if (sheet.state !== 'visible') {
      if (sheet.actualRowCount > 0) notes.push(`工作表“${sheet.name}”为隐藏工作表，未读取`);
      continue;
    }
    const cells = sheetCells(sheet, blocks.length + 1);
    if (cells.length === 0) continue;
    const index = blocks.length + 1;
    blocks.push({
      type: 'table',
      index,
      name: sheet.name,
      cells,
      location: { format: 'xlsx', table: index, sheet: sheet.name },
    });
  }
  return { ok: true, document: { format: 'xlsx', blocks, notes } };
}

function sheetCells(sheet: ExcelJS.Worksheet, index: number): TableCell[] {
  const merges = new Map<string, { rows: number; columns: number }>();
  const covered = new Set<string>();
  for (const range of (sheet.model as { merges?: string[] }).merges ?? []) {
    const [from, to] = range.split(':');
    if (!from || !to) continue;
    const a = sheet.getCell(from);
    const b = sheet.getCell(to);
    const [top, left] = [Number(a.row), Number(a.col)];
    const [bottom, right] = [Number(b.row), Number(b.col)];
    merges.set(`${top},${left}`, { rows: bottom - top + 1, columns: right - left + 1 });
    for (let r = top; r <= bottom; r++)
      for (let c = left; c <= right; c++) if (r !== top || c !== left) covered.add(`${r},${c}`);
  }
  // Rows and columns before the first non-empty one are dropped; positions stay the sheet's own.
  const raw: { r: number; c: number; text: string; address: string }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, r) => {
    row.eachCell({ includeEmpty: false }, (cell, c) => {
      if (covered.has(`${r},${c}`)) return;
      const text = valueText(cell.value);
      if (text !== '' || merges.has(`${r},${c}`)) raw.push({ r, c, text, address: cell.address });
    });
  });
  if (!raw.some((x) => x.text !== '')) return [];
  const firstRow = Math.min(...raw.map((x) => x.r));
  const firstColumn = Math.min(...raw.map((x) => x.c));
  return raw.map((x) => {
    const span = merges.get(`${x.r},${x.c}`) ?? { rows: 1, columns: 1 };
    return {
      row: x.r - firstRow,
      column: x.c - firstColumn,
      rowSpan: span.rows,
      colSpan: span.columns,
      text: x.text,
      location: { format: 'xlsx', table: index, sheet: sheet.name, row: x.r, column: x.c, cell: x.address },
    };
  });
}

function valueText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    return `${value.getUTCFullYear()}年${value.getUTCMonth() + 1}月${value.getUTCDate()}日`;
  }
  if (typeof value !== 'object') return String(value).trim();
  if ('richText' in value)
    return value.richText
      .map((r) => r.text)
      .join('')
      .trim();
  if ('result' in value) return valueText((value.result ?? null) as ExcelJS.CellValue);
  if ('text' in value) return String(value.text).trim();
  if ('error' in value) return '';
  return '';
}
