/**
 * Parses a 任务分工方案 into a Plan. Pure: text in, plan (or a Chinese error) out, never a throw.
 * Every non-empty input line ends up in an item, a heading, the title or issuer block, or a warning.
 */
import type { ParseWarning, Plan } from '../../domain/plan';
import { assemble } from './assemble';
import { decodePlanBytes } from './decode';
import { excerpt, readClosing, readFrontMatter } from './frontmatter';
import { isPageClutter, splitLines, type SourceLine } from './lines';
import { readMarker } from './markers';
import { buildUnitRegistry } from './registry';
import { buildBlockTree } from './structure';

export type ParseOutcome = { ok: true; plan: Plan } | { ok: false; error: string };

/** Decodes and parses a file's bytes; the decoded text comes back too, for the content hash. */
export function parsePlanBytes(
  bytes: Uint8Array,
): { ok: true; plan: Plan; text: string } | { ok: false; error: string } {
  const decoded = decodePlanBytes(bytes);
  if (!decoded.ok) return decoded;
  const outcome = parsePlan(decoded.text);
  if (!outcome.ok) return outcome;
  if (decoded.encoding !== 'utf-8') {
    const note = {
      line: 0,
      message: `文件为 ${decoded.encoding.toUpperCase()} 编码，已自动转换为 UTF-8 读取`,
    };
    outcome.plan.warnings.unshift(note);
  }
  return { ...outcome, text: decoded.text };
}

export function parsePlan(text: string): ParseOutcome {
  const content = splitLines(text).filter((l) => l.text !== '');
  if (content.length === 0) return { ok: false, error: '文件为空，没有可解析的内容。' };

  const warnings: ParseWarning[] = [];
  const lines = content.filter((l) => {
    if (!isPageClutter(l.text)) return true;
    warnings.push({ line: l.line, message: `页码“${l.text}”，已忽略` });
    return false;
  });
  const closing = readClosing(lines, warnings);
  const firstNumbered = closing.rest.findIndex((l) => readMarker(l.text) !== null);
  if (firstNumbered === -1) {
    return {
      ok: false,
      error:
        '未识别出文件结构：没有找到任何编号的标题或条目（如“一、”“（一）”“1.”）。请确认这是一份任务分工方案。',
    };
  }
  const front = readFrontMatter(closing.rest.slice(0, firstNumbered), warnings);
  const tree = buildBlockTree(closing.rest.slice(firstNumbered), warnings);
  const { headings, items } = assemble(tree, warnings);
  if (items.length === 0) {
    return { ok: false, error: '未识别出任何条目：文件中只有标题，没有带内容的编号条目。' };
  }
  const registry = buildUnitRegistry(items.map((i) => ({ units: i.units, line: i.sourceLine })));
  warnings.push(...registry.warnings);

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
  };
  reportUnaccountedLines(content, plan);
  plan.warnings.sort((a, b) => a.line - b.line);
  return { ok: true, plan };
}

/** The safety net behind "nothing is dropped silently": any line no stage claimed becomes a warning. */
function reportUnaccountedLines(content: SourceLine[], plan: Plan): void {
  const claimed = new Set<number>([
    ...plan.items.flatMap((i) => range(i.sourceLine, i.endLine ?? i.sourceLine)),
    ...(plan.headings ?? []).map((h) => h.line),
    ...(plan.titleLines ?? []),
    ...(plan.issuerLines ?? []),
    ...plan.warnings.map((w) => w.line),
  ]);
  for (const l of content) {
    if (!claimed.has(l.line))
      plan.warnings.push({ line: l.line, message: `未能归类的行，已忽略：“${excerpt(l.text)}”` });
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
