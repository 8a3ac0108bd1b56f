import { z } from 'zod';

/** Item kinds of a task-division scheme: 主要指标 / 任务 / 重大项目. */
export const ItemKind = z.enum(['indicator', 'task', 'major_project']);
export type ItemKind = z.infer<typeof ItemKind>;

/** 目标值: one quantitative commitment, e.g. 达到97%以上 → { op: '>=', value: 97, unit: '%' }. */
export const Target = z.object({
  metric: z.string(),
  op: z.enum(['>=', '>', '<=', '<', '=', '≈']),
  value: z.number(),
  unit: z.string(),
  year: z.number().int().nullable(),
});
export type Target = z.infer<typeof Target>;

/** 节点: a dated commitment, from a 到YYYY年 clause. */
export const Milestone = z.object({
  year: z.number().int(),
  text: z.string(),
});
export type Milestone = z.infer<typeof Milestone>;

/** A recurring duty (以2年为一轮, 每年…). */
export const Recurrence = z.object({
  everyYears: z.number().int().positive(),
  text: z.string(),
});
export type Recurrence = z.infer<typeof Recurrence>;

export const PlanItem = z.object({
  id: z.string(),
  kind: ItemKind,
  path: z.array(z.string()),
  title: z.string().nullable(),
  text: z.string(),
  units: z.array(z.string()),
  targets: z.array(Target),
  milestones: z.array(Milestone),
  recurrence: Recurrence.nullable().optional(),
  sourceLine: z.number().int().positive(),
  /** Last source line of the item (continuation lines and absorbed sub-points included). */
  endLine: z.number().int().positive().optional(),
});
export type PlanItem = z.infer<typeof PlanItem>;

/** A parser warning; line 0 means the whole document (e.g. its encoding). */
export const ParseWarning = z.object({ line: z.number().int(), message: z.string() });
export type ParseWarning = z.infer<typeof ParseWarning>;

/**
 * A node of the heading tree, e.g. （一）学前教育. `text` is the heading as written, numbering included;
 * `path` is the texts of its ancestors and itself, the same convention as `PlanItem.path`.
 */
export const PlanHeading = z.object({
  id: z.string(),
  text: z.string(),
  path: z.array(z.string()),
  level: z.number().int().positive(),
  line: z.number().int().positive(),
  /** Units given on the heading itself, inherited by items under it that name none. */
  units: z.array(z.string()),
});
export type PlanHeading = z.infer<typeof PlanHeading>;

export const Plan = z.object({
  title: z.string(),
  issuer: z.string().nullable(),
  issuedOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  units: z.array(z.string()),
  items: z.array(PlanItem),
  warnings: z.array(ParseWarning),
  /** The title line(s) as published, e.g. the 通知 that carries the scheme; `title` is the scheme's name. */
  documentTitle: z.string().optional(),
  headings: z.array(PlanHeading).optional(),
  /** Source lines read as the document title and as the issuer/date block. */
  titleLines: z.array(z.number().int().positive()).optional(),
  issuerLines: z.array(z.number().int().positive()).optional(),
});
export type Plan = z.infer<typeof Plan>;

export const leadUnit = (item: Pick<PlanItem, 'units'>): string | undefined => item.units[0];
export const coUnits = (item: Pick<PlanItem, 'units'>): string[] => item.units.slice(1);
