/**
 * The seed round trip: the 衢州 scheme as a Word document (paragraphs), as the PDF Word made of it, and
 * laid out as a task table in Excel and in a PDF, gives exactly the items of the seed as text.
 */
import { content, parseFixture } from './format-helpers';
import { parseFile } from './helpers';

const text = parseFile('seeds', 'quzhou-education-13th-fyp-task-division.txt');

describe.each([
  ['Word paragraphs', 'quzhou-seed.docx', 'docx'],
  ['PDF text layer', 'quzhou-seed.pdf', 'pdf'],
  ['Excel task table', 'quzhou-seed.xlsx', 'xlsx'],
  // Ten pages: the header row repeats on each, and rows the page breaks split are joined back.
  ['task table in a PDF', 'quzhou-seed-table.pdf', 'pdf'],
])('the seed as %s', (_name, file, format) => {
  let plan: Awaited<ReturnType<typeof parseFixture>>;
  beforeAll(async () => {
    plan = await parseFixture(file);
  });

  it('counts 8 indicators, 58 tasks and 16 major projects', () => {
    const count = (kind: string) => plan.items.filter((i) => i.kind === kind).length;
    expect([count('indicator'), count('task'), count('major_project')]).toEqual([8, 58, 16]);
    expect(plan.sourceFormat).toBe(format);
  });

  it('gives exactly the items of the text: ids, kinds, paths, texts, units, targets, milestones', () => {
    expect(plan.items.map(content)).toEqual(text.items.map(content));
    expect(plan.units).toEqual(text.units);
    expect(plan.title).toBe(text.title);
  });

  it('says where each item was read', () => {
    for (const item of plan.items) expect(item.location?.format).toBe(format);
    if (format === 'pdf') expect(new Set(plan.items.map((i) => i.location?.page)).size).toBeGreaterThan(3);
    if (format === 'xlsx') expect(plan.items[0]!.location).toMatchObject({ sheet: '任务分工', cell: 'B4' });
  });
});

it('the Word and PDF versions also carry the issuer and date block', async () => {
  for (const file of ['quzhou-seed.docx', 'quzhou-seed.pdf']) {
    const plan = await parseFixture(file);
    expect([plan.issuer, plan.issuedOn]).toEqual([text.issuer, text.issuedOn]);
  }
});
