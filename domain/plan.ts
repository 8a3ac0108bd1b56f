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

/** 节点: a dated commitment, from a 到YYYY年 clause or a table's 完成时限 column. */
export const Milestone = z.object({
  year: z.number().int(),
  text: z.string(),
  /** The day it is due when the source names one finer than a year (2025年6月底前 → 2025-06-30). */
  dueOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
export type Milestone = z.infer<typeof Milestone>;

/** A recurring duty (以2年为一轮, 每年…). */
export const Recurrence = z.object({
  everyYears: z.number().int().positive(),
  text: z.string(),
});
export type Recurrence = z.infer<typeof Recurrence>;

/**
 * 定期反馈: a reporting cadence shorter than a year, from a 完成时限 such as 每季度 or 每月25日前
 * (yearly and longer duties are a `Recurrence`).
 */
export const Cadence = z.object({
  every: z.enum(['month', 'quarter', 'half_year']),
  /** Day of the month it is due (每月25日前 → 25); null when the source names none. */
  day: z.number().int().min(1).max(31).nullable(),
  text: z.string(),
});
export type Cadence = z.infer<typeof Cadence>;

/**
 * Where something was read in a document other than plain text (plain text has its line). Pages count
 * from 1 in PDFs; tables count from 1 in document order; rows and columns from 1 within their table (for a
 * spreadsheet, the sheet's own row number and cell address such as B5).
 */
export const SourceLocation = z.object({
  format: z.enum(['text', 'docx', 'pdf', 'xlsx', 'csv']),
  page: z.number().int().positive().optional(),
  paragraph: z.number().int().positive().optional(),
  table: z.number().int().positive().optional(),
  sheet: z.string().optional(),
  row: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  cell: z.string().optional(),
});
export type SourceLocation = z.infer<typeof SourceLocation>;

export const PlanItem = z.object({
  id: z.string(),
  kind: ItemKind,
  path: z.array(z.string()),
  title: z.string().nullable(),
  /**
   * Where `title` comes from: the document's own title phrase, or the item's first clause where the document
   * gives none. Absent in plans read before titles were derived (their `title` is then null or the document's).
   */
  titleSource: z.enum(['document', 'first_clause']).optional(),
  text: z.string(),
  units: z.array(z.string()),
  targets: z.array(Target),
  milestones: z.array(Milestone),
  /** The first recurring duty; `recurrences` holds every one the item states. */
  recurrence: Recurrence.nullable().optional(),
  recurrences: z.array(Recurrence).optional(),
  sourceLine: z.number().int().positive(),
  /** Last source line of the item (continuation lines and absorbed sub-points included). */
  endLine: z.number().int().positive().optional(),
  /**
   * Where the item stands in a Word, PDF or spreadsheet source; `sourceLine` then counts the document's
   * paragraphs and table rows in reading order.
   */
  location: SourceLocation.optional(),
  /** The units of a 牵头单位 column or label, when the source names them apart from the co-units. */
  leadUnits: z.array(z.string()).optional(),
  /** The 完成时限 / 时间节点 as written in a task table. */
  deadline: z.string().optional(),
  cadence: Cadence.nullable().optional(),
  /** 分管领导 / 责任领导 named in a task table. */
  leaders: z.array(z.string()).optional(),
});
export type PlanItem = z.infer<typeof PlanItem>;

/** A parser warning; line 0 means the whole document (e.g. its encoding). */
export const ParseWarning = z.object({
  line: z.number().int(),
  message: z.string(),
  location: SourceLocation.optional(),
});
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
  location: SourceLocation.optional(),
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
  /** The file's format when it was not plain text. */
  sourceFormat: z.enum(['text', 'docx', 'pdf', 'xlsx', 'csv']).optional(),
});
export type Plan = z.infer<typeof Plan>;

export const leadUnit = (item: Pick<PlanItem, 'units'>): string | undefined => item.units[0];
export const coUnits = (item: Pick<PlanItem, 'units'>): string[] => item.units.slice(1);
/** Every recurring duty of an item, also of one read before `recurrences` existed. */
export const recurrencesOf = (item: Pick<PlanItem, 'recurrence' | 'recurrences'>): Recurrence[] =>
  item.recurrences ?? (item.recurrence ? [item.recurrence] : []);
