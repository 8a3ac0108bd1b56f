/**
 * Reads a plan file of any supported format: the format is told from the bytes (the file name only
 * adds a note when its extension disagrees). Plain text goes to today's parser unchanged; a Word, PDF or
 * spreadsheet document is read into the common document model, then either as task tables (when a table's
 * header names the columns) or, for paragraph-style documents, as lines through the same text parser.
 * Every item and warning of a document carries where it was read (page, table, row, cell).
 */
import path from 'node:path';
import type { Plan, SourceLocation } from '../../domain/plan';
import { guessDelimiter, readCsv } from '../formats/csv';
import { readDocx } from '../formats/docx';
import type { DocumentFormat, PlanDocument, ReadOutcome, TableBlock } from '../formats/model';
import { tableGrid } from '../formats/model';
import { readPdf } from '../formats/pdf';
import { sniff } from '../formats/sniff';
import { readXlsx } from '../formats/xlsx';
import { isTaskHeader, KNOWN_COLUMNS } from './columns';
import { decodePlanBytes } from './decode';
import { normalizeSpaces } from './lines';
import { parsePlan, parsePlanBytes } from './parse';
import { findTaskTables, parseTaskTables, type DocumentLines } from './table';

export type FileOutcome = { ok: true; plan: Plan; text: string } | { ok: false; error: string };

const EXTENSIONS: Record<DocumentFormat, string[]> = {
  text: ['.txt', '.text', ''],
  docx: ['.docx'],
  pdf: ['.pdf'],
  xlsx: ['.xlsx', '.xlsm'],
  csv: ['.csv', '.tsv', '.txt'],
};
const FORMAT_NAMES: Record<DocumentFormat, string> = {
  text: '纯文本',
  docx: 'Word 文档',
  pdf: 'PDF',
  xlsx: 'Excel 工作簿',
  csv: 'CSV 表格',
};

export async function parsePlanFile(bytes: Uint8Array, fileName = ''): Promise<FileOutcome> {
  const sniffed = sniff(bytes);
  if (sniffed.kind === 'refused') return { ok: false, error: sniffed.error };
  const ext = path.extname(fileName).toLowerCase();
  if (sniffed.kind === 'text') {
    const decoded = decodePlanBytes(bytes);
    if (!decoded.ok) return decoded;
    const head = decoded.text
      .split(/\r\n|\r|\n/)
      .filter((l) => l.trim() !== '')
      .slice(0, 10);
    const delimiter =
      guessDelimiter(head, isTaskHeader) ??
      (['.csv', '.tsv'].includes(ext) ? (ext === '.tsv' ? '\t' : ',') : null);
    if (delimiter === null) return titledByName(parsePlanBytes(bytes), fileName);
    const read = readCsv(decoded.text, delimiter);
    if (read.ok && decoded.encoding !== 'utf-8')
      read.document.notes.push(`文件为 ${decoded.encoding.toUpperCase()} 编码，已自动转换为 UTF-8 读取`);
    return titledByName(withNameNote(parseDocument(read), ext, 'csv'), fileName);
  }
  const read =
    sniffed.kind === 'pdf'
      ? await readPdf(bytes)
      : sniffed.kind === 'docx'
        ? await readDocx(bytes)
        : await readXlsx(bytes);
  return titledByName(withNameNote(parseDocument(read), ext, sniffed.kind), fileName);
}

/** A plan is stored under its title: a document without one takes its file's name. */
function titledByName(outcome: FileOutcome, fileName: string): FileOutcome {
  const name = path.basename(fileName, path.extname(fileName)).trim();
  if (!outcome.ok || outcome.plan.title !== '' || name === '') return outcome;
  outcome.plan.title = name;
  const note = outcome.plan.warnings.find((w) => w.message === '未找到文件标题，标题留空');
  if (note) note.message = `未找到文件标题，以文件名“${name}”作为标题`;
  return outcome;
}

function withNameNote(outcome: FileOutcome, ext: string, format: DocumentFormat): FileOutcome {
  if (!outcome.ok || ext === '' || EXTENSIONS[format].includes(ext)) return outcome;
  outcome.plan.warnings.unshift({
    line: 0,
    message: `文件扩展名为 ${ext}，但内容是${FORMAT_NAMES[format]}，已按${FORMAT_NAMES[format]}读取`,
  });
  return outcome;
}

export function parseDocument(read: ReadOutcome): FileOutcome {
  if (!read.ok) return read;
  const doc = read.document;
  const lines = documentLines(doc);
  const text = lines.lines.map((l) => l.text).join('\n');
  if (lines.lines.every((l) => l.text === '')) return { ok: false, error: '文件为空，没有可解析的内容。' };
  const tables = findTaskTables(doc);
  if (tables.length > 0) {
    const outcome = parseTaskTables(doc, lines, tables);
    return outcome.ok ? { ok: true, plan: outcome.plan, text } : outcome;
  }
  const outcome = parsePlan(text);
  if (!outcome.ok) {
    const hasTables = doc.blocks.some((b) => b.type === 'table');
    const onlyTables = doc.blocks.every((b) => b.type === 'table' || b.text.trim() === '');
    if (hasTables && (onlyTables || doc.format === 'xlsx' || doc.format === 'csv'))
      return {
        ok: false,
        error: `表格的表头中没有可识别的列。请在表格前几行放表头，并包含这些列：${KNOWN_COLUMNS}（至少要有任务列，以及单位或时限列之一）。`,
      };
    return outcome;
  }
  const plan = outcome.plan;
  const at = (line: number): SourceLocation | undefined => lines.lines[line - 1]?.location;
  for (const item of plan.items) item.location = at(item.sourceLine);
  for (const heading of plan.headings ?? []) heading.location = at(heading.line);
  plan.warnings = [
    ...doc.notes.map((message) => ({ line: 0, message })),
    ...plan.warnings.map((w) => (at(w.line) ? { ...w, location: at(w.line) } : w)),
  ];
  plan.sourceFormat = doc.format;
  return { ok: true, plan, text };
}

/** Numbers the document's paragraphs and table rows as lines, in reading order. */
export function documentLines(doc: PlanDocument): DocumentLines {
  const out: DocumentLines = { lines: [], rowLines: new Map(), paragraphLine: new Map() };
  const push = (text: string, location: SourceLocation) => {
    out.lines.push({ line: out.lines.length + 1, text: normalizeSpaces(text.replace(/\n/g, ' ')), location });
    return out.lines.length;
  };
  for (const block of doc.blocks) {
    if (block.type === 'paragraph') out.paragraphLine.set(block, push(block.text, block.location));
    else out.rowLines.set(block, tableRowLines(block, push));
  }
  return out;
}

function tableRowLines(
  table: TableBlock,
  push: (text: string, location: SourceLocation) => number,
): number[] {
  return tableGrid(table).map((slots, r) => {
    const distinct = [...new Set(slots)].filter((c) => c !== undefined && c.row === r);
    const first = distinct[0];
    const location: SourceLocation = {
      ...(first?.location ?? table.location),
      row: first?.location.row ?? r + 1,
    };
    delete location.column;
    delete location.cell;
    return push(distinct.map((c) => c!.text.replace(/\n/g, ' ')).join('\t'), location);
  });
}
