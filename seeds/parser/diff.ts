/**
 * What changed between two versions of a plan, item by item. Items are matched by their text first
 * (the key that survives renumbering: a revision that inserts an item shifts every id after it), then by
 * id (same place, reworded), and whatever is left is added or removed.
 */
import type { PlanItem } from '../../domain/plan';

export interface ItemChange {
  before: PlanItem;
  after: PlanItem;
  /** Which parts differ: text, kind, units, targets, milestones. */
  fields: string[];
}

export interface PlanDiff {
  added: PlanItem[];
  removed: PlanItem[];
  changed: ItemChange[];
  unchanged: number;
}

/** The renumbering-proof identity of an item: its kind and its text without spacing and punctuation. */
export function itemKey(item: Pick<PlanItem, 'kind' | 'text'>): string {
  return `${item.kind}|${item.text.replace(/[\s\p{P}]/gu, '')}`;
}

export function diffPlanItems(before: PlanItem[], after: PlanItem[]): PlanDiff {
  const unmatchedBefore = new Set(before);
  const pairs: [PlanItem, PlanItem][] = [];
  const unmatchedAfter: PlanItem[] = [];
  for (const item of after) {
    const same = before.find((b) => unmatchedBefore.has(b) && itemKey(b) === itemKey(item));
    if (same) {
      unmatchedBefore.delete(same);
      pairs.push([same, item]);
    } else {
      unmatchedAfter.push(item);
    }
  }
  const added: PlanItem[] = [];
  for (const item of unmatchedAfter) {
    const sameId = before.find((b) => unmatchedBefore.has(b) && b.id === item.id);
    if (sameId) {
      unmatchedBefore.delete(sameId);
      pairs.push([sameId, item]);
    } else {
      added.push(item);
    }
  }
  const changed = pairs
    .map(([b, a]) => ({ before: b, after: a, fields: differingFields(b, a) }))
    .filter((c) => c.fields.length > 0);
  return { added, removed: [...unmatchedBefore], changed, unchanged: pairs.length - changed.length };
}

function differingFields(before: PlanItem, after: PlanItem): string[] {
  const fields: (keyof PlanItem)[] = ['text', 'kind', 'units', 'targets', 'milestones'];
  return fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}
