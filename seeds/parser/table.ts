/**
 * Reads a task-division table (分工表) by its columns: one item per task row, lead units from the lead
 * column, co-units from the co-operating column, deadlines from the time column, leaders from the 分管领导
 * column, and section rows (a merged row, or a row with only a heading in it) as headings.
 *
 * Headings nest by their numbering style exactly as in text (一、 then （一） then 1.), and ids join the
 * numbers along the path, so the same scheme gives the same ids as a table or as text: 序号 "（1）" under
 * the heading 4.重大项目 under （一）学前教育 under 二、… is 2.1.4.1. Kinds come from the heading path.
 * Paragraphs before the table carry the title, paragraphs after it the issuer and date.
 */
import type { ParseWarning, Plan, PlanHeading, PlanItem, SourceLocation } from '../../domain/plan';
import { tableGrid, type PlanDocument, type TableBlock, type TableCell } from '../formats/model';
import { childId, kindOf } from './assemble';
import { headerRoles, isTaskHeader, type ColumnRole } from './columns';
import { readDeadline } from './deadline';
import { excerpt, readClosing, readFrontMatter } from './frontmatter';
import { chineseNumber, isHeadingLike, type SourceLine } from './lines';
import { readMarker, type MarkerStyle } from './markers';
import { extractCadences, extractMilestones, extractRecurrences, yearScopes } from './milestones';
import type { ParseOutcome } from './parse';
import { buildUnitRegistry } from './registry';
import { extractTargets } from './targets';
import { itemTitle } from '../../domain/item-title';
import { readUnitCell } from './unit-cells';

/** The document as numbered lines: a paragraph is a line, a table row is a line. */
export interface DocumentLines {
  lines: (SourceLine & { location: SourceLocation })[];
  /** Line numbers of each table's rows, by table index. */
  rowLines: Map<TableBlock, number[]>;
  paragraphLine: Map<unknown, number>;
}

export interface TaskTable {
  table: TableBlock;
  grid: (TableCell | undefined)[][];
  header: number;
  /** First body row (after a second header row, when there is one). */
  body: number;
  roles: (ColumnRole | null)[];
  headers: string[];
}

const HEADER_SCAN_ROWS = 8;

/** The tables of a document whose header names a task column and a unit or time column. */
export function findTaskTables(doc: PlanDocument): TaskTable[] {
  const found: TaskTable[] = [];
  for (const block of doc.blocks) {
    if (block.type !== 'table') continue;
    const grid = tableGrid(block);
    for (let r = 0; r < Math.min(grid.length, HEADER_SCAN_ROWS); r++) {
      const texts = rowTexts(grid[r] ?? []);
      if (!isTaskHeader(texts)) continue;
      let roles = headerRoles(texts);
      let body = r + 1;
      // A two-row header: 责任单位 over 牵头单位 | 配合单位.
      const next = rowTexts(grid[r + 1] ?? []);
      const sub = headerRoles(next);
      const subNamed = sub.filter((x) => x !== null && x !== 'other').length;
      if (subNamed >= 1 && next.every((t) => t.length <= 14) && !next.some((t) => /^\d+$/.test(t))) {
        roles = roles.map((role, i) =>
          sub[i] && sub[i] !== 'other' && next[i] !== texts[i] ? sub[i] : role,
        );
        body = r + 2;
      }
      const headers = texts.map((t, i) => (next[i] && body === r + 2 && next[i] !== t ? next[i]! : t));
      found.push({ table: block, grid, header: r, body, roles, headers });
      break;
    }
  }
  return found;
}

function rowTexts(slots: (TableCell | undefined)[]): string[] {
  return slots.map((c) => (c?.text ?? '').replace(/\s+/g, ''));
}

interface HeadingNode {
  kind: 'heading';
  style: MarkerStyle | 'bare';
  number: number | null;
  text: string;
  line: number;
  location: SourceLocation;
  children: Node[];
}
interface ItemNode {
  kind: 'item';
  style: MarkerStyle | null;
  number: number | null;
  /** A compound 序号 such as 1.1 is the item's id as written. */
  fixedId: string | null;
  row: Row;
  children: Node[];
}
type Node = HeadingNode | ItemNode;

interface Row {
  line: number;
  cells: Partial<Record<ColumnRole, TableCell[]>>;
  location: SourceLocation;
}

export function parseTaskTables(doc: PlanDocument, lines: DocumentLines, tables: TaskTable[]): ParseOutcome {
  const warnings: ParseWarning[] = [];
  const warn = (line: number, message: string, location?: SourceLocation) =>
    warnings.push(location ? { line, message, location } : { line, message });
  doc.notes.forEach((message) => warn(0, message));

  const taskBlocks = new Set(tables.map((t) => t.table));
  const firstTask = doc.blocks.findIndex((b) => b.type === 'table' && taskBlocks.has(b));
  const lastTask =
    doc.blocks.length -
    1 -
    [...doc.blocks].reverse().findIndex((b) => b.type === 'table' && taskBlocks.has(b));
  const lineOf = (block: unknown) => lines.paragraphLine.get(block) ?? 0;
  const sourceLine = (line: number) => lines.lines[line - 1]!;

  // Title: paragraphs before the first task table, and rows above its header (a merged title row).
  const preamble: SourceLine[] = [
    ...doc.blocks.slice(0, firstTask).flatMap((b) => (b.type === 'paragraph' ? [sourceLine(lineOf(b))] : [])),
    ...(tables[0]
      ? (lines.rowLines.get(tables[0].table) ?? []).slice(0, tables[0].header).map(sourceLine)
      : []),
  ].filter((l) => l.text !== '');
  const front = readFrontMatter(preamble, warnings);
  const closingLines = doc.blocks
    .slice(lastTask + 1)
    .flatMap((b) => (b.type === 'paragraph' ? [sourceLine(lineOf(b))] : []))
    .filter((l) => l.text !== '');
  const closing = readClosing(closingLines, warnings);
  for (const l of closing.rest)
    warn(l.line, `表格之后的文字，未作为条目：“${excerpt(l.text)}”`, sourceLine(l.line).location);
  doc.blocks.forEach((b, i) => {
    if (b.type === 'paragraph' && i > firstTask && i < lastTask && b.text.trim() !== '') {
      warn(lineOf(b), `表格之间的文字，未作为条目：“${excerpt(b.text.trim())}”`, b.location);
    } else if (b.type === 'table' && !taskBlocks.has(b)) {
      const first = lines.rowLines.get(b)?.[0] ?? 0;
      warn(first, `第 ${b.index} 个表格的表头没有可识别的列，未读取`, b.location);
    }
  });
  const planYear = yearOf(front.title) ?? yearOf(front.documentTitle) ?? yearOf(closing.issuedOn ?? '');

  // Rows into a tree of headings and items.
  const root: HeadingNode = {
    kind: 'heading',
    style: 'bare',
    number: null,
    text: '',
    line: 0,
    location: { format: doc.format },
    children: [],
  };
  const open: HeadingNode[] = [];
  for (const t of tables) {
    const rowLines = lines.rowLines.get(t.table) ?? [];
    const headerText = rowTexts(t.grid[t.header] ?? []).join('|');
    [...new Set(t.headers.filter((h, c) => t.roles[c] === 'other' && h !== ''))].forEach((h) =>
      warn(rowLines[t.header] ?? 0, `表格列“${h}”不是可识别的列，其内容已并入条目正文`, t.table.location),
    );
    t.grid.slice(t.body).forEach((slots, k) => {
      const r = t.body + k;
      const line = rowLines[r] ?? 0;
      const distinct = [...new Set(slots.filter((c): c is TableCell => c !== undefined))];
      const filled = distinct.filter((c) => c.text.trim() !== '');
      // A row whose only text continues a cell merged from above adds nothing of its own.
      if (filled.every((c) => c.row < r) || rowTexts(slots).join('|') === headerText) return;
      const row = rowOf(t, slots, line);
      const heading = headingText(t, filled, row);
      if (heading !== null) {
        const node = headingNode(heading, line, filled[0]!.location, warn);
        const sibling = open.findIndex((h) => h.style === node.style);
        if (sibling >= 0) open.length = sibling;
        (open[open.length - 1] ?? root).children.push(node);
        open.push(node);
        return;
      }
      const seq = (row.cells.seq ?? [])
        .map((c) => c.text)
        .join('')
        .replace(/\s+/g, '');
      const marker = seqMarker(seq);
      if (marker.style) {
        const sibling = open.findIndex((h) => h.style === marker.style);
        if (sibling >= 0) open.length = sibling;
      }
      const parent = open[open.length - 1] ?? root;
      if (marker.missing) {
        // （）: the number is missing; count on from the siblings, as the text parser does.
        const previous = parent.children.filter((c) => c.kind === 'item' && c.style === 'paren-num').pop();
        marker.number = (previous?.number ?? 0) + 1;
        warn(line, `编号“${seq}”缺少序号，按上下文推定为第${marker.number}项`, row.location);
      }
      parent.children.push({
        kind: 'item',
        style: marker.style,
        number: marker.number,
        fixedId: marker.fixedId,
        row,
        children: [],
      });
    });
  }

  // Ids, paths and items, in document order.
  const headings: PlanHeading[] = [];
  const items: PlanItem[] = [];
  const ids = new Set<string>();
  const uniqueId = (id: string, line: number, location: SourceLocation): string => {
    let candidate = id;
    for (let n = 2; ids.has(candidate); n++) candidate = `${id}-${n}`;
    if (candidate !== id) warn(line, `编号重复，条目编号记为 ${candidate}`, location);
    ids.add(candidate);
    return candidate;
  };
  const visit = (parent: HeadingNode, parentId: string, path: string[], level: number) => {
    for (const child of parent.children) {
      const generated = childId(parent, child, parentId);
      if (child.kind === 'heading') {
        const id = uniqueId(generated, child.line, child.location);
        const heading: PlanHeading = {
          id,
          text: child.text,
          path: [...path, child.text],
          level,
          line: child.line,
          units: [],
          location: child.location,
        };
        headings.push(heading);
        if (child.children.length === 0) warn(child.line, `标题“${child.text}”下没有条目`, child.location);
        visit(child, id, heading.path, level + 1);
      } else {
        const id = uniqueId(child.fixedId ?? generated, child.row.line, child.row.location);
        const item = buildItem(child.row, id, path, planYear, warn);
        if (item) items.push(item);
      }
    }
  };
  visit(root, '', [], 1);
  if (items.length === 0) {
    return { ok: false, error: '表格中没有任务行：表头之下只有标题行或空行。请确认任务内容填写在表格中。' };
  }
  const registry = buildUnitRegistry(items.map((i) => ({ units: i.units, line: i.sourceLine })));
  warnings.push(...registry.warnings);
  for (const w of warnings) if (!w.location && w.line > 0) w.location = sourceLine(w.line)?.location;
  warnings.sort((a, b) => a.line - b.line);
  const plan: Plan = {
    title: front.title,
    issuer: closing.issuer,
    issuedOn: closing.issuedOn,
    units: registry.units,
    items,
    warnings,
    documentTitle: front.documentTitle,
    headings,
    titleLines: front.titleLines,
    issuerLines: closing.issuerLines,
    sourceFormat: doc.format,
  };
  return { ok: true, plan };
}

function rowOf(t: TaskTable, slots: (TableCell | undefined)[], line: number): Row {
  const cells: Row['cells'] = {};
  const seen = new Set<TableCell>();
  slots.forEach((cell, c) => {
    const role = t.roles[c];
    if (!cell || !role || (seen.has(cell) && role !== 'other')) return;
    seen.add(cell);
    (cells[role] ??= []).push(cell);
  });
  const anchor = cells.task?.[0] ?? slots.find((c) => c !== undefined);
  const location: SourceLocation = anchor ? { ...anchor.location } : { format: 'text' };
  if (anchor?.row !== undefined && location.row === undefined) location.row = anchor.row + 1;
  return { line, cells, location };
}

/**
 * The heading a row carries, or null for a task row: a merged row with one text; a text alone in the
 * 序号 column; a short text alone in the task column; or a Chinese-numbered 序号 (一 / （一）) with its
 * name in the task column and no units or deadline.
 */
function headingText(t: TaskTable, filled: TableCell[], row: Row): string | null {
  const text = (c: TableCell) => c.text.replace(/\n/g, '');
  if (filled.length === 1) {
    const only = filled[0]!;
    const role = t.roles[only.column];
    if (only.colSpan >= 2 || role === 'seq' || role === null || role === 'other') return text(only);
    if (role === 'task' && isHeadingLike(text(only))) return text(only);
    return null;
  }
  const seq = (row.cells.seq ?? []).map(text).join('').trim();
  const hasDetail = (['lead', 'co', 'units', 'deadline', 'leader'] as ColumnRole[]).some((r) =>
    (row.cells[r] ?? []).some((c) => c.text.trim() !== '' && c.rowSpan === 1),
  );
  const numeral = /^[（(]?[一二三四五六七八九十]+[)）、.．]?$/.test(seq);
  if (numeral && !hasDetail && row.cells.task) {
    const label = /[、)）.．]$/.test(seq) ? seq : `${seq}、`;
    return `${label}${row.cells.task.map(text).join('')}`;
  }
  return null;
}

function headingNode(
  raw: string,
  line: number,
  location: SourceLocation,
  warn: (line: number, message: string, location?: SourceLocation) => void,
): HeadingNode {
  const text = raw.trim();
  const marker = readMarker(text);
  if (!marker || marker.style === 'paren-unknown') {
    return { kind: 'heading', style: 'bare', number: null, text, line, location, children: [] };
  }
  let label = marker.label;
  if (marker.problem === 'unclosed') {
    label = `${marker.label}${marker.label.startsWith('(') ? ')' : '）'}`;
    warn(line, `标题“${text}”的编号缺少右括号，按“${label}”处理`, location);
  }
  return {
    kind: 'heading',
    style: marker.style,
    number: marker.number,
    text: `${label}${marker.rest}`,
    line,
    location,
    children: [],
  };
}

interface SeqMarker {
  style: MarkerStyle | null;
  number: number | null;
  fixedId: string | null;
  /** An empty （）: numbered from the siblings. */
  missing?: boolean;
}

function seqMarker(seq: string): SeqMarker {
  if (seq === '') return { style: null, number: null, fixedId: null };
  if (/^[（(]\s*[）)]$/.test(seq)) return { style: 'paren-num', number: null, fixedId: null, missing: true };
  if (/^\d+$/.test(seq)) return { style: 'num', number: Number(seq), fixedId: null };
  if (/^\d+([.．-]\d+)+$/.test(seq))
    return { style: null, number: null, fixedId: seq.replace(/[．-]/g, '.') };
  const marker = readMarker(seq);
  if (marker && marker.rest === '' && marker.number !== null && marker.style !== 'paren-unknown')
    return { style: marker.style, number: marker.number, fixedId: null };
  const cn = chineseNumber(seq);
  if (cn !== null) return { style: 'cn', number: cn, fixedId: null };
  return { style: null, number: null, fixedId: seq };
}

const ROLE_NAMES: Partial<Record<ColumnRole, string>> = {
  lead: '牵头单位',
  co: '配合单位',
  units: '责任单位',
};

function buildItem(
  row: Row,
  id: string,
  path: string[],
  planYear: number | null,
  warn: (line: number, message: string, location?: SourceLocation) => void,
): PlanItem | null {
  const { line, location, cells } = row;
  const join = (role: ColumnRole, glue = '') =>
    (cells[role] ?? [])
      .map((c) => c.text.trim())
      .filter(Boolean)
      .join(glue);
  const task = join('task').replace(/\n/g, '');
  const extra = (cells.other ?? []).filter((c) => c.text.trim() !== '');
  if (task === '' && extra.length === 0) {
    warn(line, '该行没有任务内容，未作为条目', location);
    return null;
  }
  const text = [task, ...extra.map((c) => c.text.replace(/\n/g, ''))].filter(Boolean).join('；');

  const units: string[] = [];
  let leadUnits: string[] | undefined;
  for (const role of ['lead', 'units', 'co'] as const) {
    const cell = readUnitCell(join(role, '\n'));
    if (role === 'lead') leadUnits = cell.units;
    if (role === 'units' && cell.lead.length > 0) leadUnits = cell.lead;
    for (const name of cell.units) if (!units.includes(name)) units.push(name);
    for (const name of cell.collective)
      warn(line, `${ROLE_NAMES[role]}“${name}”是泛称，已按原文保留，交办前请明确到具体单位`, location);
  }
  if (cells.lead && leadUnits?.length === 0 && units.length > 0)
    warn(line, '条目未写牵头单位，只有配合单位', location);
  if (units.length === 0) warn(line, '条目未写责任单位，责任单位留空', location);

  const scopes = yearScopes(text);
  const scan = extractTargets(text, scopes);
  scan.unattached.forEach((n) => warn(line, `数字${n}未能识别为目标值，已保留在条目正文中`, location));
  const { title, titleSource } = itemTitle(text, id);
  const milestones = extractMilestones(text, scopes);
  const recurrences = extractRecurrences(text);
  const deadline = join('deadline', '\n');
  const item: PlanItem = {
    id,
    kind: kindOf(path),
    path,
    title,
    titleSource,
    text,
    units,
    targets: scan.targets,
    milestones,
    recurrences,
    cadences: extractCadences(text),
    sourceLine: line,
    endLine: line,
    location,
  };
  if (leadUnits !== undefined && cells.lead) item.leadUnits = leadUnits;
  if (deadline !== '') {
    const reading = readDeadline(deadline, planYear, titleSource === 'document' ? title : text);
    for (const m of reading.milestones) {
      const sameYear = milestones.some((x) => x.year === m.year && !x.dueOn);
      if (!(sameYear && m.dueOn === `${m.year}-12-31`)) milestones.push(m);
    }
    // A 完成时限 of 每年 (每季度) restates a duty the text already names; a new period is a duty of its own.
    for (const r of reading.recurrences)
      if (!recurrences.some((x) => x.everyYears === r.everyYears)) recurrences.push(r);
    for (const c of reading.cadences)
      if (!item.cadences.some((x) => x.every === c.every && x.day === c.day)) item.cadences.push(c);
    item.deadline = deadline.replace(/\n/g, '；');
    reading.problems.forEach((message) => warn(line, message, location));
  }
  const leaders = readUnitCell(join('leader', '\n')).units;
  if (leaders.length > 0) item.leaders = leaders;
  return item;
}

function yearOf(text: string): number | null {
  const m = /(19|20)\d{2}/.exec(text);
  return m ? Number(m[0]) : null;
}
