/**
 * Word (.docx): mammoth reads the WordprocessingML (runs, fields, tracked changes, merged cells) into
 * simple HTML; this module walks that HTML into paragraphs and tables. Merged cells arrive as colspan
 * (gridSpan) and rowspan (vMerge); a line break or a second paragraph inside a cell is kept as '\n'.
 */
import mammoth from 'mammoth';
import { parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';
import type { DocumentBlock, ReadOutcome, TableCell } from './model';

export async function readDocx(bytes: Uint8Array): Promise<ReadOutcome> {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes) })).value;
  } catch {
    return { ok: false, error: corruptOffice('Word') };
  }
  const blocks: DocumentBlock[] = [];
  let paragraphs = 0;
  let tables = 0;
  let numbered = 0;
  const visit = (node: ChildNode) => {
    if (node.type !== 'tag') return;
    if (node.name === 'table') {
      tables++;
      blocks.push({
        type: 'table',
        index: tables,
        cells: tableCells(node, tables),
        location: { format: 'docx', table: tables },
      });
    } else if (node.name === 'ol' || node.name === 'ul') {
      for (const child of node.children) {
        if (child.type === 'tag' && child.name === 'li') numbered++;
        visit(child);
      }
    } else if (['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li'].includes(node.name)) {
      // A soft line break inside a paragraph starts a new line, as it does on the page.
      const lines = textOf(node).split('\n');
      for (const line of lines.filter((l) => l.trim() !== '')) {
        paragraphs++;
        blocks.push({ type: 'paragraph', text: line, location: { format: 'docx', paragraph: paragraphs } });
      }
    } else {
      node.children.forEach(visit);
    }
  };
  parseDocument(html).children.forEach(visit);
  const notes =
    numbered > 0
      ? [
          `文档中有 ${numbered} 个段落使用 Word 自动编号，编号不是文字，未能读出；如条目编号缺失，请把编号转为文字后再导入`,
        ]
      : [];
  return { ok: true, document: { format: 'docx', blocks, notes } };
}

export const corruptOffice = (kind: string): string =>
  `${kind} 文件已损坏或不完整，无法打开。请用 Office 或 WPS 打开后重新保存，或重新下载后再试。`;

/** The cells of an HTML table with their grid positions, rowspans taken into account. */
function tableCells(table: Element, index: number): TableCell[] {
  const cells: TableCell[] = [];
  const taken = new Set<string>();
  rowsOf(table).forEach((tr, r) => {
    let column = 0;
    for (const td of tr.children) {
      if (td.type !== 'tag' || (td.name !== 'td' && td.name !== 'th')) continue;
      while (taken.has(`${r},${column}`)) column++;
      const rowSpan = Math.max(1, Number(td.attribs.rowspan ?? 1) || 1);
      const colSpan = Math.max(1, Number(td.attribs.colspan ?? 1) || 1);
      for (let dr = 0; dr < rowSpan; dr++)
        for (let dc = 0; dc < colSpan; dc++) taken.add(`${r + dr},${column + dc}`);
      cells.push({
        row: r,
        column,
        rowSpan,
        colSpan,
        text: cellText(td),
        location: { format: 'docx', table: index, row: r + 1, column: column + 1 },
      });
      column += colSpan;
    }
  });
  return cells;
}

function rowsOf(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of table.children) {
    if (child.type !== 'tag') continue;
    if (child.name === 'tr') rows.push(child);
    else if (['thead', 'tbody', 'tfoot'].includes(child.name)) rows.push(...rowsOf(child));
  }
  return rows;
}

/** A cell's paragraphs, one per line. */
function cellText(td: Element): string {
  const parts: string[] = [];
  for (const child of td.children) {
    if (child.type === 'tag' && ['p', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(child.name))
      parts.push(textOf(child));
    else if (child.type === 'tag' && (child.name === 'ol' || child.name === 'ul' || child.name === 'table'))
      parts.push(cellText(child));
    else parts.push(textOf(child));
  }
  return parts
    .join('\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n');
}

function textOf(node: ChildNode): string {
  if (node.type === 'text') return node.data;
  if (node.type !== 'tag') return '';
  if (node.name === 'br') return '\n';
  if (node.name === 'table') return cellText(node);
  const inner = node.children.map(textOf).join('');
  return ['p', 'li', 'tr'].includes(node.name) ? `${inner}\n` : inner;
}
