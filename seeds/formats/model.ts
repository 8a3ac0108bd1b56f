/**
 * The common document model every format reader produces: blocks of paragraphs and tables in reading
 * order, each with where it was read. The genre readers (seeds/parser) see only this model.
 */
import type { SourceLocation } from '../../domain/plan';

export type DocumentFormat = SourceLocation['format'];

export interface ParagraphBlock {
  type: 'paragraph';
  text: string;
  location: SourceLocation;
}

/** One cell as the source defines it: merged cells appear once, at their top-left slot, with their spans. */
export interface TableCell {
  /** 0-based row and column of the cell's top-left slot in the table grid. */
  row: number;
  column: number;
  rowSpan: number;
  colSpan: number;
  /** The cell's text; a line break inside a cell is kept as '\n'. */
  text: string;
  location: SourceLocation;
}

export interface TableBlock {
  type: 'table';
  /** 1-based table number in the document (a sheet of a workbook is a table). */
  index: number;
  /** The sheet's name for spreadsheets. */
  name?: string;
  cells: TableCell[];
  location: SourceLocation;
}

export type DocumentBlock = ParagraphBlock | TableBlock;

export interface PlanDocument {
  format: DocumentFormat;
  blocks: DocumentBlock[];
  /** Notes from reading the file, in Chinese (e.g. a GBK file converted to UTF-8). */
  notes: string[];
}

export type ReadOutcome = { ok: true; document: PlanDocument } | { ok: false; error: string };

/** The grid slot (row, column) → the cell covering it, merged cells covering all their slots. */
export function tableGrid(table: TableBlock): (TableCell | undefined)[][] {
  const rows = Math.max(0, ...table.cells.map((c) => c.row + c.rowSpan));
  const columns = Math.max(0, ...table.cells.map((c) => c.column + c.colSpan));
  const grid: (TableCell | undefined)[][] = Array.from({ length: rows }, () =>
    Array.from({ length: columns }, () => undefined),
  );
  for (const cell of table.cells) {
    for (let r = cell.row; r < cell.row + cell.rowSpan; r++) {
      for (let c = cell.column; c < cell.column + cell.colSpan; c++) {
        const slots = grid[r];
        if (slots && slots[c] === undefined) slots[c] = cell;
      }
    }
  }
  return grid;
}

/** Where something was read, for people: 第 12 行; 第 3 页; 表 1 第 5 行第 2 列; 工作表“任务分工” B5. */
export function describeLocation(line: number, location?: SourceLocation): string {
  if (line <= 0) return '全文';
  if (!location || location.format === 'text') return `第 ${line} 行`;
  const parts: string[] = [];
  if (location.page !== undefined) parts.push(`第 ${location.page} 页`);
  if (location.sheet !== undefined) {
    parts.push(`工作表“${location.sheet}”`);
    parts.push(location.cell ?? `第 ${location.row ?? line} 行`);
  } else if (location.table !== undefined && location.row !== undefined) {
    parts.push(
      `表 ${location.table} 第 ${location.row} 行${location.column ? `第 ${location.column} 列` : ''}`,
    );
  } else if (location.paragraph !== undefined && location.format !== 'pdf') {
    parts.push(`第 ${location.paragraph} 段`);
  }
  return parts.length > 0 ? parts.join(' ') : `第 ${line} 行`;
}
