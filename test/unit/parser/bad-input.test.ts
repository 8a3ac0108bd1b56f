import { parsePlan, parsePlanBytes } from '../../../seeds/parser/parse';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('bad input is refused with a Chinese message', () => {
  it.each([
    ['an empty file', new Uint8Array(), /文件为空/],
    ['a file of blank lines', bytes('\n  \n\t\n'), /文件为空/],
    ['a binary file', new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0xff]), /二进制/],
    ['text with no numbering', bytes('今天开会。\n请各单位准时参加。\n'), /未识别出文件结构/],
    ['headings without items', bytes('一、主要指标\n二、重大项目\n'), /未识别出任何条目/],
    [
      'neither UTF-8 nor GBK',
      new Uint8Array([0x31, 0x2e, 0xff, 0xff, 0xfe, 0x80]),
      /无法识别文件编码|二进制/,
    ],
  ])('%s', (_name, input, message) => {
    const outcome = parsePlanBytes(input);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toMatch(message);
  });

  it('never throws on plain text either', () => {
    expect(parsePlan('').ok).toBe(false);
  });
});
