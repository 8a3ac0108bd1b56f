/**
 * `cycle start --assessment <file>`: the office's 考核计分办法 as a JSON file, checked before the cycle
 * starts so a typo never reaches the cycle's policy (an unknown key is refused, not ignored).
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { AssessmentRules } from '../domain/assessment-rules';

const FIELDS =
  'base、late、return、escalationLevel、targetMissed、periodMissed、rectificationOverdue、targetMet、grades（good、fair、pass）';

export function readAssessmentRules(file: string): AssessmentRules {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(
      `无法读取考核计分办法文件 ${file}：${e instanceof SyntaxError ? '不是有效的 JSON' : '文件不存在或无法打开'}`,
    );
  }
  const parsed = AssessmentRules.strict().safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `考核计分办法文件 ${file} 有误：${parsed.error.issues.map(describe).join('；')}。可用的项：${FIELDS}`,
    );
  return parsed.data;
}

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return `未知的项 ${issue.keys.join('、')}`;
  if (issue.code === 'custom') return issue.message;
  return `${where || '整个文件'} 取值无效（应为不小于 0 的数）`;
}
