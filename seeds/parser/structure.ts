/**
 * Builds the block tree of the document body. A block is a numbered line (or an un-numbered paragraph)
 * with its continuation lines; nesting follows the numbering styles: a style already open closes
 * everything below it (a sibling), a style not yet open starts a deeper level. This is how the genre is
 * read by people: 一、 then （一） then 1. then （1）, whatever order a document actually uses.
 */
import type { ParseWarning } from '../../domain/plan';
import { isHeadingLike, type SourceLine } from './lines';
import { readMarker, type Marker, type MarkerStyle } from './markers';
import { extractUnits } from './units';

export type BlockStyle = MarkerStyle | 'bare' | 'paragraph';

export interface Block {
  style: BlockStyle;
  /** The number as read or inferred; null for un-numbered blocks. */
  number: number | null;
  /** The marker as written (（一）, 4.), '' for un-numbered blocks. */
  label: string;
  /** First line after the marker, then continuation lines. */
  texts: string[];
  lines: number[];
  children: Block[];
  parent: Block | null;
  /** No more continuation lines: the units bracket was seen, or the line reads as a heading. */
  closed: boolean;
}

export function buildBlockTree(body: SourceLine[], warnings: ParseWarning[]): Block {
  const root = newBlock('paragraph', null, '', null);
  const open: Block[] = [];
  let last: Block | null = null;

  for (const { line, text } of body) {
    const marker = readMarker(text);
    if (marker) {
      const style = marker.style === 'paren-unknown' ? inferParenStyle(open) : marker.style;
      const sibling = open.findIndex((b) => b.style === style);
      if (sibling >= 0) open.length = sibling;
      const parent = open[open.length - 1] ?? root;
      const number = marker.number ?? nextNumber(parent, style);
      reportMarkerProblem(marker, number, line, text, warnings);
      const label =
        marker.problem === 'unclosed' ? `${marker.label}${closingBracketFor(marker.label)}` : marker.label;
      const block = newBlock(style, number, label, parent);
      addLine(block, marker.rest, line);
      block.closed = hasUnits(marker.rest) || isHeadingLike(marker.rest);
      open.push(block);
      last = block;
    } else if (last && (!last.closed || isUnitsOnly(text, last))) {
      addLine(last, text, line);
      last.closed = hasUnits(last.texts.join(''));
    } else if (isHeadingLike(text) && !hasUnits(text)) {
      const bare = open.findIndex((b) => b.style === 'bare');
      if (bare >= 0) open.length = bare;
      while (open.length > 0 && isItemLike(open[open.length - 1])) open.pop();
      const block = newBlock('bare', null, '', open[open.length - 1] ?? root);
      addLine(block, text, line);
      block.closed = true;
      open.push(block);
      last = block;
      warnings.push({ line, message: `无编号的短行“${text}”，按小标题处理` });
    } else {
      // Un-numbered paragraph: the body of a heading such as 3.重大项目, or an item of its own.
      while (open.length > 0 && isItemLike(open[open.length - 1])) open.pop();
      const parent = open[open.length - 1] ?? root;
      if (parent.children.length > 0 || parent === root) {
        warnings.push({ line, message: '无编号的段落，按独立条目处理' });
      }
      const block = newBlock('paragraph', null, '', parent);
      addLine(block, text, line);
      block.closed = hasUnits(text);
      last = block;
    }
  }
  return root;
}

function newBlock(style: BlockStyle, number: number | null, label: string, parent: Block | null): Block {
  const block: Block = { style, number, label, texts: [], lines: [], children: [], parent, closed: false };
  parent?.children.push(block);
  return block;
}

function addLine(block: Block, text: string, line: number): void {
  block.texts.push(text);
  block.lines.push(line);
}

function hasUnits(text: string): boolean {
  return extractUnits(text).units.length > 0;
}

/** A line holding only （责任单位：…） belongs to the item above it, even after a heading-like first line. */
function isUnitsOnly(text: string, last: Block): boolean {
  return extractUnits(text).text === '' && hasUnits(text) && !hasUnits(last.texts.join(''));
}

/** An open block that is an item (has prose or units), so a following paragraph is its sibling. */
function isItemLike(block: Block | undefined): boolean {
  if (!block) return false;
  const text = block.texts.join('');
  return block.children.length === 0 && (hasUnits(text) || !isHeadingLike(text));
}

function closingBracketFor(label: string): string {
  return label.startsWith('(') ? ')' : '）';
}

/** （）: take the deepest bracketed style already open, else （1）. */
function inferParenStyle(open: Block[]): MarkerStyle {
  const paren = [...open].reverse().find((b) => b.style === 'paren-num' || b.style === 'paren-cn');
  return paren?.style === 'paren-cn' ? 'paren-cn' : 'paren-num';
}

function nextNumber(parent: Block, style: BlockStyle): number {
  const previous = parent.children.filter((c) => c.style === style).pop();
  return (previous?.number ?? 0) + 1;
}

function reportMarkerProblem(
  marker: Marker,
  number: number,
  line: number,
  text: string,
  warnings: ParseWarning[],
): void {
  if (marker.problem === 'unclosed') {
    warnings.push({ line, message: `标题“${text}”的编号缺少右括号，按“${marker.label}）”处理` });
  } else if (marker.problem === 'empty') {
    warnings.push({ line, message: `编号“${marker.label}”缺少序号，按上下文推定为第${number}项` });
  }
}
