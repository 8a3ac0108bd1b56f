import { readFileSync } from 'node:fs';
import type { Plan, PlanItem } from '../../../domain/plan';
import { parsePlanFile } from '../../../seeds/parser/document';
import { repoFile } from './helpers';

export const fixture = (...parts: string[]): string => repoFile('test', 'fixtures', 'plans', ...parts);

export async function parseFixture(...parts: string[]): Promise<Plan> {
  const file = fixture(...parts);
  const outcome = await parsePlanFile(readFileSync(file), file);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.plan;
}

export async function refusal(...parts: string[]): Promise<string> {
  const file = fixture(...parts);
  const outcome = await parsePlanFile(readFileSync(file), file);
  if (outcome.ok) throw new Error(`${file} was read, expected a refusal`);
  return outcome.error;
}

/** What an item says, without where it was read. */
export const content = (i: PlanItem) => ({
  id: i.id,
  kind: i.kind,
  path: i.path,
  title: i.title,
  text: i.text,
  units: i.units,
  targets: i.targets,
  milestones: i.milestones,
  recurrences: i.recurrences,
  cadences: i.cadences,
});
