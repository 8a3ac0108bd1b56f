/**
 * Reads the block tree as headings and items.
 *
 * - A block with children is a heading, unless it carries its own units bracket and none of its
 *   children do: then the children are sub-points of that item and are folded into it.
 * - A leaf block is an item, except a heading-like section name with nothing under it (5.重大项目).
 * - Kind comes from the heading path: under a 重大项目 heading → major_project, under a 指标 heading →
 *   indicator, otherwise task.
 * - `path` holds the ancestors' heading texts as written, numbering included: ["二、各级各类教育发展",
 *   "（一）学前教育", "4.重大项目"]. A broken number is kept as written (“（一保障措施”).
 * - `id` joins the numbers along the path (2.1.4.1); un-numbered items count among their un-numbered
 *   siblings (2.3.3.1, or 2.3.p1 beside numbered siblings). Ids repeat only when the document repeats a
 *   number; the repeat gets a -2 suffix and a warning.
 */
import type { ItemKind, ParseWarning, PlanHeading, PlanItem } from '../../domain/plan';
import { isHeadingLike } from './lines';
import { extractCadences, extractMilestones, extractRecurrences, yearScopes } from './milestones';
import type { Block } from './structure';
import { extractTargets } from './targets';
import { itemTitle } from '../../domain/item-title';
import { extractUnits } from './units';

const MAJOR_PROJECT_HEADING = /重大项目|重点项目|重大工程|重点工程/;
const INDICATOR_HEADING = /指标/;

export interface Assembled {
  headings: PlanHeading[];
  items: PlanItem[];
}

interface Context {
  path: string[];
  id: string;
  level: number;
  inheritedUnits: string[];
}

export function assemble(root: Block, warnings: ParseWarning[]): Assembled {
  const out: Assembled = { headings: [], items: [] };
  const ids = new Set<string>();
  const uniqueId = (id: string, line: number): string => {
    let candidate = id;
    for (let n = 2; ids.has(candidate); n++) candidate = `${id}-${n}`;
    if (candidate !== id) warnings.push({ line, message: `编号重复，条目编号记为 ${candidate}` });
    ids.add(candidate);
    return candidate;
  };
  const visitChildren = (parent: Block, ctx: Context) => {
    parent.children.forEach((child) => visit(child, { ...ctx, id: childId(parent, child, ctx.id) }));
  };
  const visit = (block: Block, ctx: Context) => {
    const ownText = block.texts.join('');
    const own = extractUnits(ownText);
    const line = block.lines[0] ?? 1;
    const isHeading =
      block.children.length > 0
        ? own.units.length === 0 || block.children.some(hasUnitsInSubtree)
        : block.style === 'bare' ||
          (block.style !== 'paragraph' && own.units.length === 0 && isSectionName(own.text));
    if (isHeading) {
      const text = `${block.label}${own.text}`;
      const heading: PlanHeading = {
        id: uniqueId(ctx.id, line),
        text,
        path: [...ctx.path, text],
        level: ctx.level,
        line,
        units: own.units,
      };
      out.headings.push(heading);
      own.problems.forEach((message) => warnings.push({ line, message }));
      if (block.children.length === 0) warnings.push({ line, message: `标题“${text}”下没有条目` });
      visitChildren(block, {
        path: heading.path,
        id: heading.id,
        level: ctx.level + 1,
        inheritedUnits: own.units.length > 0 ? own.units : ctx.inheritedUnits,
      });
      return;
    }
    out.items.push(buildItem(block, ctx, uniqueId(ctx.id, line), warnings));
  };
  visitChildren(root, { path: [], id: '', level: 1, inheritedUnits: [] });
  return out;
}

function buildItem(block: Block, ctx: Context, id: string, warnings: ParseWarning[]): PlanItem {
  const lines = allLines(block);
  const line = lines[0] ?? 1;
  const own = extractUnits(block.texts.join(''));
  const text = [own.text, ...block.children.map(fullText)].join('');
  own.problems.forEach((message) => warnings.push({ line, message }));
  let units = own.units;
  if (units.length === 0 && ctx.inheritedUnits.length > 0) {
    units = ctx.inheritedUnits;
    warnings.push({ line, message: `条目未写责任单位，沿用上级标题的责任单位：${units.join('、')}` });
  } else if (units.length === 0) {
    warnings.push({ line, message: '条目未写责任单位，责任单位留空' });
  }
  const scopes = yearScopes(text);
  const scan = extractTargets(text, scopes);
  scan.unattached.forEach((n) =>
    warnings.push({ line, message: `数字${n}未能识别为目标值，已保留在条目正文中` }),
  );
  return {
    id,
    kind: kindOf(ctx.path),
    path: ctx.path,
    ...itemTitle(text, id),
    text,
    units,
    targets: scan.targets,
    milestones: extractMilestones(text, scopes),
    recurrences: extractRecurrences(text),
    cadences: extractCadences(text),
    sourceLine: line,
    endLine: lines[lines.length - 1] ?? line,
  };
}

export function kindOf(path: string[]): ItemKind {
  if (path.some((h) => MAJOR_PROJECT_HEADING.test(h))) return 'major_project';
  if (path.some((h) => INDICATOR_HEADING.test(h))) return 'indicator';
  return 'task';
}

/** A section name such as 重大项目 standing alone, rather than a short item without units. */
function isSectionName(text: string): boolean {
  return (
    isHeadingLike(text) &&
    (MAJOR_PROJECT_HEADING.test(text) || INDICATOR_HEADING.test(text) || text.length <= 8)
  );
}

/** A child's id: its number after its parent's id, or its ordinal among un-numbered siblings. */
export function childId<T extends { number: number | null }>(
  parent: { children: T[] },
  child: T,
  parentId: string,
): string {
  const prefix = parentId === '' ? '' : `${parentId}.`;
  if (child.number !== null) return `${prefix}${child.number}`;
  const unnumbered = parent.children.filter((c) => c.number === null);
  const ordinal = unnumbered.indexOf(child) + 1;
  const hasNumberedSibling = unnumbered.length < parent.children.length;
  return `${prefix}${hasNumberedSibling ? 'p' : ''}${ordinal}`;
}

function hasUnitsInSubtree(block: Block): boolean {
  return extractUnits(block.texts.join('')).units.length > 0 || block.children.some(hasUnitsInSubtree);
}

/** A folded sub-point keeps its marker: （1）… reads as written inside the item's text. */
function fullText(block: Block): string {
  return `${block.label}${block.texts.join('')}${block.children.map(fullText).join('')}`;
}

function allLines(block: Block): number[] {
  return [...block.lines, ...block.children.flatMap(allLines)];
}
