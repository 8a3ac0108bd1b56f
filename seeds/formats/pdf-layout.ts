/**
 * From a PDF page's positioned text and drawn lines to paragraphs and tables. Pure geometry:
 *
 * - Tables are found from their ruling lines: the horizontal and vertical segments of a bordered table
 *   give its row and column bands, a missing inner line between two slots merges them (a section row
 *   spanning the table, a unit cell spanning rows). Text is placed in the cell under its centre.
 * - Text outside tables is grouped into lines by baseline, and lines into paragraphs: a line continues
 *   the one above when the first word of the line could not have fitted at the end of the line above
 *   (the layout wrapped it), and starts a paragraph when it could have (the author broke the line), when it
 *   is indented, or after a gap. The same rule joins the wrapped lines of a table cell, and a paragraph
 *   running over a page break.
 * - Spaces pdf.js infers between Chinese characters, or between Chinese and Latin text (the typesetter's
 *   autospacing), are not the author's and are dropped.
 */
import { isPageClutter } from '../parser/lines';
import type { DocumentBlock, TableBlock, TableCell } from './model';

export interface PdfTextItem {
  str: string;
  /** Baseline origin and advance, in PDF user space (y grows upwards). */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PdfPage {
  width: number;
  height: number;
  items: PdfTextItem[];
  /** Straight segments of drawn paths: [x1, y1, x2, y2]. */
  segments: [number, number, number, number][];
}

interface Line {
  items: PdfTextItem[];
  text: string;
  left: number;
  right: number;
  /** Baseline and font size of the line. */
  y: number;
  size: number;
}

interface Rect {
  left: number;
  right: number;
  bottom: number;
  top: number;
}

interface LaidTable {
  rect: Rect;
  /** Column boundaries left to right, row boundaries top to bottom. */
  xs: number[];
  ys: number[];
  cells: {
    row: number;
    column: number;
    rowSpan: number;
    colSpan: number;
    rect: Rect;
    items: PdfTextItem[];
  }[];
}

const RULE_TOLERANCE = 2;
const MIN_RULE = 6;
const CJK = '\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f';
/** Characters a line may not start with (Chinese line-breaking rules): they travel with the one before. */
const NO_LINE_START = /^[）)」』】〕》〉”’、，。；：？！…%％·,.;:?!]/;

export function layoutPdf(pages: PdfPage[]): DocumentBlock[] {
  const blocks: DocumentBlock[] = [];
  let open: { text: string; last: Line; page: number; margin: Margin } | null = null;
  let paragraphCount = 0;
  let tableCount = 0;
  /** The last page's layout of each table, to tell whether the next page continues it. */
  const laidOut = new Map<TableBlock, LaidTable>();
  const flush = () => {
    if (open) {
      paragraphCount++;
      blocks.push({
        type: 'paragraph',
        text: open.text,
        location: { format: 'pdf', page: open.page, paragraph: paragraphCount },
      });
    }
    open = null;
  };

  pages.forEach((page, p) => {
    const pageNumber = p + 1;
    const tables = findTables(page);
    const free = page.items.filter(
      (it) => it.str.trim() !== '' && !tables.some((t) => contains(t.rect, centre(it))),
    );
    const lines = groupLines(free);
    const margin = marginOf(lines);
    type Placed = { top: number; line?: Line; table?: LaidTable };
    const placed: Placed[] = [
      ...lines.map((line) => ({ top: line.y + line.size, line })),
      ...tables.map((table) => ({ top: table.rect.top, table })),
    ].sort((a, b) => b.top - a.top);
    for (const { line, table } of placed) {
      if (table) {
        flush();
        const previous = blocks[blocks.length - 1];
        if (
          previous?.type === 'table' &&
          continuesTable(previous, laidOut.get(previous), table, pageNumber)
        ) {
          appendRows(previous, laidOut.get(previous)!, table, pageNumber);
          laidOut.set(previous, table);
        } else {
          tableCount++;
          const block = tableBlock(table, tableCount, pageNumber);
          laidOut.set(block, table);
          blocks.push(block);
        }
        continue;
      }
      if (!line) continue;
      if (isPageClutter(line.text)) {
        paragraphCount++;
        blocks.push({
          type: 'paragraph',
          text: line.text,
          location: { format: 'pdf', page: pageNumber, paragraph: paragraphCount },
        });
        continue;
      }
      if (open && continuesParagraph(open.last, open.margin, line, margin, open.page === pageNumber)) {
        open.text += joinWrapped(open.text, line.text);
        open.last = line;
        open.margin = margin;
      } else {
        flush();
        open = { text: line.text, last: line, page: pageNumber, margin };
      }
    }
  });
  flush();
  return blocks;
}

// ── lines and paragraphs ────────────────────────────────────────────────────────────────────────

interface Margin {
  left: number;
  right: number;
  pitch: number;
}

function groupLines(items: PdfTextItem[]): Line[] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: PdfTextItem[][] = [];
  for (const item of sorted) {
    const size = sizeOf(item);
    const row = rows.find((r) => Math.abs(r[0]!.y - item.y) <= size * 0.5);
    if (row) row.push(item);
    else rows.push([item]);
  }
  return rows
    .map((row) => {
      const items = row.sort((a, b) => a.x - b.x);
      const size = Math.max(...items.map(sizeOf));
      return {
        items,
        text: lineText(items, size),
        left: Math.min(...items.map((i) => i.x)),
        right: Math.max(...items.map((i) => i.x + i.width)),
        y: Math.max(...items.map((i) => i.y)),
        size,
      };
    })
    .filter((l) => l.text !== '')
    .sort((a, b) => b.y - a.y);
}

function sizeOf(item: PdfTextItem): number {
  return item.height > 0 ? item.height : 10;
}

/** Joins a line's items; a space is kept only between Latin words set apart by a real gap. */
function lineText(items: PdfTextItem[], size: number): string {
  let text = '';
  let end: number | null = null;
  for (const item of items) {
    const str = item.str.replace(/\s+/g, ' ');
    if (str.trim() === '') continue;
    if (end !== null && item.x - end > size * 0.25 && !/\s$/.test(text)) text += ' ';
    text += str;
    end = item.x + item.width;
  }
  return dropTypesetSpaces(text.trim());
}

export function dropTypesetSpaces(text: string): string {
  return text
    .replace(new RegExp(`(?<=[${CJK}])\\s+`, 'g'), '')
    .replace(new RegExp(`\\s+(?=[${CJK}])`, 'g'), '')
    .replace(/\s{2,}/g, ' ');
}

function marginOf(lines: Line[]): Margin {
  const body = lines.filter((l) => !isPageClutter(l.text));
  const gaps = body
    .slice(1)
    .map((l, i) => body[i]!.y - l.y)
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  return {
    left: Math.min(...body.map((l) => l.left)),
    right: Math.max(...body.map((l) => l.right)),
    pitch: gaps[Math.floor(gaps.length / 2)] ?? 0,
  };
}

function continuesParagraph(prev: Line, prevMargin: Margin, next: Line, margin: Margin, samePage: boolean) {
  if (next.left > margin.left + next.size * 0.8) return false; // indented: a new paragraph or a title
  if (samePage && prevMargin.pitch > 0 && prev.y - next.y > prevMargin.pitch * 1.6) return false;
  return wasWrapped(prev, prevMargin.right, next);
}

/** Whether the layout, not the author, broke `prev`: the start of `next` did not fit after it. */
function wasWrapped(prev: Line, right: number, next: Line): boolean {
  const room = right - prev.right;
  return leadingChunkWidth(next) > room - prev.size * 0.2;
}

/** Width of what must start `next`: its first character or number, with the punctuation that follows it. */
function leadingChunkWidth(line: Line): number {
  const chunk = /^([0-9０-９.%％]+|[A-Za-z]+|.)/u.exec(line.text)?.[0] ?? '';
  let length = chunk.length;
  let rest = line.text.slice(length);
  while (NO_LINE_START.test(rest)) {
    length++;
    rest = rest.slice(1);
  }
  const first = line.items.find((i) => i.str.trim() !== '');
  const perChar = first ? first.width / Math.max(1, [...first.str.trim()].length) : line.size;
  return length * Math.min(perChar, line.size * 1.05);
}

/** A wrapped line joins directly in Chinese, with a space between two Latin words. */
function joinWrapped(before: string, after: string): string {
  return /[A-Za-z0-9]$/.test(before) && /^[A-Za-z0-9]/.test(after) ? ` ${after}` : after;
}

// ── tables ──────────────────────────────────────────────────────────────────────────────────────

function findTables(page: PdfPage): LaidTable[] {
  const onEdge = (v: number, max: number) => v < 1 || v > max - 1;
  const horizontal: [number, number, number][] = []; // y, x from, x to
  const vertical: [number, number, number][] = []; // x, y from, y to
  for (const [x1, y1, x2, y2] of page.segments) {
    if (Math.abs(y1 - y2) < 1 && Math.abs(x2 - x1) >= MIN_RULE && !onEdge(y1, page.height)) {
      horizontal.push([(y1 + y2) / 2, Math.min(x1, x2), Math.max(x1, x2)]);
    } else if (Math.abs(x1 - x2) < 1 && Math.abs(y2 - y1) >= MIN_RULE && !onEdge(x1, page.width)) {
      vertical.push([(x1 + x2) / 2, Math.min(y1, y2), Math.max(y1, y2)]);
    }
  }
  return clusters(horizontal, vertical)
    .map(({ h, v }) => gridOf(h, v, page.items))
    .filter((t): t is LaidTable => t !== null);
}

/** Groups rules that touch one another: each group is one table. */
function clusters(h: [number, number, number][], v: [number, number, number][]) {
  const all = [...h.map((s) => ({ kind: 'h' as const, s })), ...v.map((s) => ({ kind: 'v' as const, s }))];
  const parent = all.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const t = RULE_TOLERANCE;
  all.forEach((a, i) => {
    all.forEach((b, j) => {
      if (j <= i || a.kind === b.kind) return;
      const [hy, hx1, hx2] = a.kind === 'h' ? a.s : b.s;
      const [vx, vy1, vy2] = a.kind === 'v' ? a.s : b.s;
      if (vx >= hx1 - t && vx <= hx2 + t && hy >= vy1 - t && hy <= vy2 + t) parent[find(i)] = find(j);
    });
  });
  const groups = new Map<number, { h: [number, number, number][]; v: [number, number, number][] }>();
  all.forEach((a, i) => {
    const g = groups.get(find(i)) ?? { h: [], v: [] };
    (a.kind === 'h' ? g.h : g.v).push(a.s);
    groups.set(find(i), g);
  });
  return [...groups.values()];
}

function levels(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of sorted) {
    if (out.length === 0 || v - out[out.length - 1]! > RULE_TOLERANCE) out.push(v);
  }
  return out;
}

function gridOf(
  h: [number, number, number][],
  v: [number, number, number][],
  items: PdfTextItem[],
): LaidTable | null {
  const xs = levels(v.map((s) => s[0]));
  const ys = levels(h.map((s) => s[0])).reverse(); // top to bottom
  if (xs.length < 2 || ys.length < 2) return null;
  const rows = ys.length - 1;
  const columns = xs.length - 1;
  const t = RULE_TOLERANCE;
  const hasVertical = (x: number, yFrom: number, yTo: number) =>
    v.some((s) => Math.abs(s[0] - x) <= t && s[1] <= (yFrom + yTo) / 2 && s[2] >= (yFrom + yTo) / 2);
  const hasHorizontal = (y: number, xFrom: number, xTo: number) =>
    h.some((s) => Math.abs(s[0] - y) <= t && s[1] <= (xFrom + xTo) / 2 && s[2] >= (xFrom + xTo) / 2);
  // Union-find over slots: no rule between two neighbouring slots means one merged cell.
  const id = (r: number, c: number) => r * columns + c;
  const parent = Array.from({ length: rows * columns }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (c + 1 < columns && !hasVertical(xs[c + 1]!, ys[r + 1]!, ys[r]!))
        parent[find(id(r, c + 1))] = find(id(r, c));
      if (r + 1 < rows && !hasHorizontal(ys[r + 1]!, xs[c]!, xs[c + 1]!))
        parent[find(id(r + 1, c))] = find(id(r, c));
    }
  }
  const spans = new Map<number, { r0: number; r1: number; c0: number; c1: number }>();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const root = find(id(r, c));
      const s = spans.get(root);
      if (!s) spans.set(root, { r0: r, r1: r, c0: c, c1: c });
      else Object.assign(s, { r1: Math.max(s.r1, r), c1: Math.max(s.c1, c), c0: Math.min(s.c0, c) });
    }
  }
  const rect: Rect = { left: xs[0]!, right: xs[columns]!, top: ys[0]!, bottom: ys[rows]! };
  const cells = [...spans.values()]
    .sort((a, b) => a.r0 - b.r0 || a.c0 - b.c0)
    .map((s) => {
      const cellRect = { left: xs[s.c0]!, right: xs[s.c1 + 1]!, top: ys[s.r0]!, bottom: ys[s.r1 + 1]! };
      return {
        row: s.r0,
        column: s.c0,
        rowSpan: s.r1 - s.r0 + 1,
        colSpan: s.c1 - s.c0 + 1,
        rect: cellRect,
        items: items.filter((it) => it.str.trim() !== '' && contains(cellRect, centre(it))),
      };
    });
  return { rect, xs, ys, cells };
}

type LaidCell = LaidTable['cells'][number];

/** A cell's lines and the right edge its text wraps at (the cell less its padding). */
function cellLines(cell: LaidCell): { lines: Line[]; right: number } {
  const lines = groupLines(cell.items);
  const padding = lines.length ? Math.max(0, Math.min(...lines.map((l) => l.left)) - cell.rect.left) : 0;
  return { lines, right: cell.rect.right - padding };
}

function cellText(cell: LaidCell): string {
  const { lines, right } = cellLines(cell);
  if (lines.length === 0) return '';
  let text = lines[0]!.text;
  lines.slice(1).forEach((line, i) => {
    text += wasWrapped(lines[i]!, right, line) ? joinWrapped(text, line.text) : `\n${line.text}`;
  });
  return text;
}

function tableBlock(table: LaidTable, index: number, page: number): TableBlock {
  return {
    type: 'table',
    index,
    cells: table.cells.map((c) => toCell(c, index, page, 0)),
    location: { format: 'pdf', page, table: index },
  };
}

function toCell(c: LaidTable['cells'][number], table: number, page: number, rowOffset: number): TableCell {
  return {
    row: c.row + rowOffset,
    column: c.column,
    rowSpan: c.rowSpan,
    colSpan: c.colSpan,
    text: cellText(c),
    location: { format: 'pdf', page, table, row: c.row + rowOffset + 1, column: c.column + 1 },
  };
}

/** A table at the top of a page with the same columns as the table that ended the page before. */
function continuesTable(
  previous: TableBlock,
  before: LaidTable | undefined,
  next: LaidTable,
  page: number,
): boolean {
  if (!before) return false;
  const edges = before.xs;
  const lastPage = previous.cells[previous.cells.length - 1]?.location.page;
  return (
    lastPage === page - 1 &&
    edges.length === next.xs.length &&
    edges.every((x, i) => Math.abs(x - next.xs[i]!) <= RULE_TOLERANCE * 2)
  );
}

/**
 * Appends a continued table's rows, leaving out a header row repeated at the top of the page. A row the
 * page break split (its 序号 cell empty on the new page, and a cell whose text ran to the edge at the foot
 * of the page going on at the top) is joined back into the row it continues.
 */
function appendRows(previous: TableBlock, before: LaidTable, next: LaidTable, page: number): void {
  const rowOffset = Math.max(...previous.cells.map((c) => c.row + c.rowSpan));
  const incoming = next.cells.map((c) => ({ laid: c, cell: toCell(c, previous.index, page, rowOffset) }));
  const rowTexts = (cells: TableCell[], row: number) =>
    cells
      .filter((c) => c.row === row)
      .map((c) => c.text)
      .join('\t');
  const repeatsHeader =
    rowTexts(
      incoming.map((x) => x.cell),
      rowOffset,
    ) === rowTexts(previous.cells, 0);
  let kept = repeatsHeader ? incoming.filter((x) => x.laid.row !== 0) : incoming;
  let shift = repeatsHeader ? 1 : 0;
  const first = kept.filter((x) => x.laid.row === shift);
  if (
    continuesSplitRow(
      before,
      first.map((x) => x.laid),
    )
  ) {
    const lastRow = rowOffset - 1;
    for (const { laid, cell } of first) {
      const target = previous.cells.find(
        (c) => c.column === laid.column && c.row + c.rowSpan - 1 === lastRow,
      );
      if (!target || cell.text === '') continue;
      const above = before.cells.find(
        (c) => c.column === laid.column && c.row + c.rowSpan === before.ys.length - 1,
      );
      const glue = above && splitInCell(above, laid) ? joinWrapped(target.text, cell.text) : `\n${cell.text}`;
      target.text = target.text === '' ? cell.text : `${target.text}${glue}`;
    }
    kept = kept.filter((x) => x.laid.row !== shift);
    shift++;
  }
  for (const { cell } of kept) {
    cell.row -= shift;
    cell.location.row = cell.row + 1;
    previous.cells.push(cell);
  }
}

function continuesSplitRow(before: LaidTable, first: LaidCell[]): boolean {
  const seq = first.find((c) => c.column === 0);
  if (!seq || seq.items.length > 0 || first.every((c) => c.items.length === 0)) return false;
  const lastRow = before.ys.length - 2;
  return first.some((c) => {
    const above = before.cells.find((b) => b.column === c.column && b.row + b.rowSpan - 1 === lastRow);
    return above !== undefined && splitInCell(above, c);
  });
}

/** Whether the text at the foot of `above` ran to the cell's edge and goes on at the top of `below`. */
function splitInCell(above: LaidCell, below: LaidCell): boolean {
  const top = cellLines(above);
  const bottom = cellLines(below);
  const last = top.lines[top.lines.length - 1];
  const next = bottom.lines[0];
  return last !== undefined && next !== undefined && wasWrapped(last, top.right, next);
}

function centre(item: PdfTextItem): { x: number; y: number } {
  return { x: item.x + item.width / 2, y: item.y + sizeOf(item) * 0.35 };
}

function contains(rect: Rect, p: { x: number; y: number }): boolean {
  return p.x >= rect.left && p.x <= rect.right && p.y >= rect.bottom && p.y <= rect.top;
}
