/**
 * The 导入规划 preview and `dudao plan show` name items by their display titles and list every recurring
 * duty and cadence an item states.
 */
import { formatSummary } from '../../../cli/commands/plan';
import { parsePlan } from '../../../seeds/parser/parse';
import { diffPlanItems } from '../../../seeds/parser/diff';
import { planPreview } from '../../../web/pages/plans';
import { parseFile } from '../parser/helpers';

const seed = parseFile('seeds', 'quzhou-education-13th-fyp-task-division.txt');
const majors = seed.items.filter((i) => i.kind === 'major_project');

function dutiesPlan() {
  const outcome = parsePlan(
    '规划\n一、重大项目\n1.专项检查。以3年为一轮开展督导评估，每年组织一次专项检查，每季度报送一次进展。（责任单位：督导处）\n',
  );
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.plan;
}
const preview = (plan = seed) =>
  planPreview({
    fileName: 'plan.txt',
    plan,
    text: '',
    contentHash: 'h',
    status: 'new',
    planId: null,
    version: null,
    diff: null,
  }).value;

describe('the plan preview page', () => {
  it('shows each of the 16 major projects under its title', () => {
    const page = preview();
    for (const item of majors) expect(page).toContain(`<strong>${item.title}</strong>`);
    expect(page).toContain('<strong>推进特殊教育学校现代化建设</strong>');
  });

  it('lists every recurring duty and cadence of an item', () => {
    const page = preview(dutiesPlan());
    expect(page).toContain('每 3 年：');
    expect(page).toContain('每年：');
    expect(page).toContain('定期：');
  });

  it('names changed items by their titles in the difference to the last version', () => {
    const before = seed.items.filter((i) => i.sourceLine !== 51);
    const page = planPreview({
      fileName: 'plan.txt',
      plan: seed,
      text: '',
      contentHash: 'h',
      status: 'revision',
      planId: 1,
      version: 1,
      diff: diffPlanItems(before, seed.items),
    }).value;
    expect(page).toContain('新增 [2.6.5.2] 继续推进资源教室建设');
  });
});

describe('dudao plan show', () => {
  it('lists the 16 major projects by title with every recurring duty', () => {
    const summary = formatSummary(seed);
    for (const item of majors) expect(summary).toContain(`[${item.id}] ${item.title}（`);
    const duties = formatSummary(dutiesPlan());
    expect(duties).toContain('周期：每 3 年');
    expect(duties).toContain('周期：每年');
  });
});
