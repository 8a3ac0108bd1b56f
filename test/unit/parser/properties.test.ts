import fc from 'fast-check';
import { parsePlan } from '../../../seeds/parser/parse';
import { claimedLines } from './helpers';

// Lines built from the genre's own pieces, so that the generator reaches the interesting paths.
const genreLine = fc.oneof(
  fc.constantFrom(
    '一、主要指标',
    '二、主要任务',
    '三、重大项目',
    '（一）学前教育',
    '（二',
    '（）',
    '4.重大项目',
    '- 3 -',
    '第2页',
    '',
  ),
  fc
    .tuple(
      fc.constantFrom('1.', '2、', '（1）', '(2)', '①', '第一条', '', '  '),
      fc.string({ maxLength: 30 }),
      fc.constantFrom('达到95%以上', '分别达到80%和95%', '到2020年，', '以2年为一轮', '50个以上', ''),
      fc.constantFrom(
        '（责任单位：基教处、督导处）',
        '(牵头单位:A处，配合单位:B室、)',
        '（基教处、计财处）',
        '',
        '（责任单位：',
      ),
    )
    .map((parts) => parts.join('')),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('衢州市教育局2020-12-09', '衢州市教育局', '2016年8月15日', '关于印发《X方案》的通知'),
);
const document = fc.array(genreLine, { maxLength: 40 }).map((lines) => lines.join('\n'));

describe('parser properties', () => {
  it('never throws, on arbitrary text or on genre-like text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), document), (text) => {
        expect(() => parsePlan(text)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('accounts for every non-empty line: item, heading, title, issuer or warning', () => {
    fc.assert(
      fc.property(document, (text) => {
        const outcome = parsePlan(text);
        if (!outcome.ok) return;
        const claimed = claimedLines(outcome.plan);
        text.split('\n').forEach((line, i) => {
          if (line.trim() !== '') expect(claimed.has(i + 1)).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('gives unique ids and valid source lines', () => {
    fc.assert(
      fc.property(document, (text) => {
        const outcome = parsePlan(text);
        if (!outcome.ok) return;
        const ids = outcome.plan.items.map((i) => i.id);
        expect(new Set(ids).size).toBe(ids.length);
        const lineCount = text.split('\n').length;
        for (const item of outcome.plan.items) expect(item.sourceLine).toBeLessThanOrEqual(lineCount);
      }),
      { numRuns: 300 },
    );
  });
});
