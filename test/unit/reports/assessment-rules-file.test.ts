/** `cycle start --assessment <file>`: the office's rules from JSON, refused with a Chinese message when wrong. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAssessmentRules } from '../../../cli/assessment-rules';

describe('reading the office’s assessment rules', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
  const file = (name: string, content: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, content);
    return f;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true }));

  it('fills what the file leaves out with the defaults', () => {
    const rules = readAssessmentRules(file('ok.json', '{"targetMissed": 10, "grades": {"good": 92}}'));
    expect(rules).toMatchObject({
      base: 100,
      late: 5,
      targetMissed: 10,
      grades: { good: 92, fair: 75, pass: 60 },
    });
  });

  it.each([
    ['typo.json', '{"targetMised": 10}', /未知的项 targetMised/],
    ['negative.json', '{"late": -1}', /late 取值无效/],
    ['order.json', '{"grades": {"good": 60, "pass": 90}}', /等次分数线须从高到低/],
    ['broken.json', '{', /不是有效的 JSON/],
  ])('refuses %s', (name, content, message) => {
    expect(() => readAssessmentRules(file(name, content))).toThrow(message);
  });

  it('says when the file cannot be read', () => {
    expect(() => readAssessmentRules(path.join(dir, 'missing.json'))).toThrow(/文件不存在或无法打开/);
  });
});
