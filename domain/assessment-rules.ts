import { z } from 'zod';

/**
 * 考核计分办法: the rules the office sets for a cycle's unit assessment. Part of the cycle policy
 * (`CyclePolicy.assessment`), fixed when the cycle starts so its 通报 is scored by the rules it was run
 * under. Every field has a default, and a cycle started before the rules were part of its policy is
 * scored by the defaults: they are the scoring dudao used then, plus the penalty for a missed target.
 */
export const AssessmentRules = z.object({
  /** 基础分. */
  base: z.number().min(0).default(100),
  /** Points lost per assignment reported late, or still unreported past its deadline. */
  late: z.number().min(0).default(5),
  /** Per 退回重办. */
  return: z.number().min(0).default(3),
  /** Per 督办 level reached on an assignment (a level-3 督办 costs three times this). */
  escalationLevel: z.number().min(0).default(2),
  /** Per 目标值 judged missed at review: a red project for a shortfall costs its unit. */
  targetMissed: z.number().min(0).default(5),
  /** Per 定期反馈 period let pass unreported (a cycle with a reporting cadence). */
  periodMissed: z.number().min(0).default(2),
  /** Per 整改 not done by its 整改期限 (counts as 0 until the cycle has 整改 records). */
  rectificationOverdue: z.number().min(0).default(5),
  /** Points gained per 目标值 judged met. */
  targetMet: z.number().min(0).default(2),
  /** Lowest score of each grade: 好, 较好, 一般; below the last is 差 (通报批评). */
  grades: z
    .object({
      good: z.number().default(90),
      fair: z.number().default(75),
      pass: z.number().default(60),
    })
    .refine((g) => g.good >= g.fair && g.fair >= g.pass, {
      message: '等次分数线须从高到低：好 ≥ 较好 ≥ 一般',
    })
    .default({ good: 90, fair: 75, pass: 60 }),
});
export type AssessmentRules = z.infer<typeof AssessmentRules>;

export const defaultAssessmentRules = (): AssessmentRules => AssessmentRules.parse({});
