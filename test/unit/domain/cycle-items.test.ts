/**
 * What a cycle's projects are called: the plan item's display title, also for a plan stored before every
 * item had one (its workflow input then used to carry the first 40 characters of the text).
 */
import { selectItems, toCycleItem } from '../../../domain/cycle';
import { Plan } from '../../../domain/plan';
import { parseFile } from '../parser/helpers';

const plan = parseFile('seeds', 'quzhou-education-13th-fyp-task-division.txt');
const majors = () => selectItems(plan.items, { kinds: ['major_project'] });

describe('cycle items', () => {
  it('name each of the 16 major projects by its short title', () => {
    const items = majors().map(toCycleItem);
    expect(items).toHaveLength(16);
    expect(items.find((i) => i.itemId === '2.6.5.1')?.title).toBe('推进特殊教育学校现代化建设');
    for (const item of items) {
      expect(item.title).not.toBe('');
      expect(item.title.length).toBeLessThanOrEqual(31);
    }
  });

  it('take the derived title from a plan stored without it', () => {
    const stored = JSON.parse(JSON.stringify(plan)) as { items: Record<string, unknown>[] };
    for (const item of stored.items) if (item.titleSource === 'first_clause') item.title = null;
    const read = Plan.parse(stored);
    expect(selectItems(read.items, { kinds: ['major_project'] }).map(toCycleItem)).toEqual(
      majors().map(toCycleItem),
    );
  });
});
