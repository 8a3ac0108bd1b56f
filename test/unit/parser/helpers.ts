import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan, PlanItem } from '../../../domain/plan';
import { parsePlanBytes } from '../../../seeds/parser/parse';

export const repoFile = (...parts: string[]): string => path.join(__dirname, '..', '..', '..', ...parts);

export function parseFile(...parts: string[]): Plan {
  const outcome = parsePlanBytes(readFileSync(repoFile(...parts)));
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.plan;
}

export function itemAt(plan: Plan, line: number): PlanItem {
  const item = plan.items.find((i) => i.sourceLine === line);
  if (!item) throw new Error(`no item starts on line ${line}`);
  return item;
}

/** Every line an item, heading, title, issuer block or warning claims. */
export function claimedLines(plan: Plan): Set<number> {
  return new Set([
    ...plan.items.flatMap((i) =>
      Array.from({ length: (i.endLine ?? i.sourceLine) - i.sourceLine + 1 }, (_, k) => i.sourceLine + k),
    ),
    ...(plan.headings ?? []).map((h) => h.line),
    ...(plan.titleLines ?? []),
    ...(plan.issuerLines ?? []),
    ...plan.warnings.map((w) => w.line),
  ]);
}
