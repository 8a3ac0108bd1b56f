import fs from 'node:fs';
import path from 'node:path';
import { parsePlanBytes } from '../seeds/parser/parse';
import { selectItems, toCycleItem, type CycleItem } from '../domain/cycle';
import { repoRoot } from '../stack/paths';

const seedItems = (): CycleItem[] => {
  const parsed = parsePlanBytes(
    fs.readFileSync(path.join(repoRoot, 'seeds', 'quzhou-education-13th-fyp-task-division.txt')),
  );
  if (!parsed.ok) throw new Error(parsed.error);
  return selectItems(parsed.plan.items, { kinds: ['major_project'] }).map(toCycleItem);
};

/** `count` projects: the seed's 16 major projects, repeated with distinct ids past 16. */
export const itemsFor = (count: number): CycleItem[] => {
  const seed = seedItems();
  return Array.from({ length: count }, (_, i) => ({
    ...seed[i % seed.length]!,
    itemId: i < seed.length ? seed[i]!.itemId : `${seed[i % seed.length]!.itemId}-r${i}`,
  }));
};
