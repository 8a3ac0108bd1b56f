import { z } from 'zod';
import { itemTitle } from './item-title';

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

/**
 * A plan item as stored in a plan version's document. Plans imported before titles were derived for every
 * item, or before every recurring duty was kept, lack `titleSource`, `recurrences` and `cadences`; `PlanItem`
 * fills them in when it reads one.
 */
const StoredPlanItem = z.object({
  id: z.string(),
  kind: ItemKind,
  path: z.array(z.string()),
  /** The short name shown wherever the item is listed (null only in plans stored before titles were derived). */
  title: z.string().nullable(),
  /** Where `title` comes from (see `itemTitle`); absent in plans stored before it was recorded. */
  titleSource: z.enum(['document', 'first_clause', 'item_id']).optional(),
  text: z.string(),
  units: z.array(z.string()),
  targets: z.array(Target),
  milestones: z.array(Milestone),
  /** Every recurring duty the item states, in reading order. */
  recurrences: z.array(Recurrence).optional(),
  /** The only recurring duty plans stored before `recurrences` kept: their first. */
  recurrence: Recurrence.nullable().optional(),
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
  /** Every 定期反馈 cadence the item states, in reading order. */
  cadences: z.array(Cadence).optional(),
  /** The only cadence plans stored before `cadences` kept: their first. */
  cadence: Cadence.nullable().optional(),
  /** 分管领导 / 责任领导 named in a task table. */
  leaders: z.array(z.string()).optional(),
});

/**
 * A plan item as read: every item has a display title, and its recurring duties and cadences as lists. A
 * stored item without a title gets the one the parser derives now; a stored single `recurrence`/`cadence`
 * becomes a list of one. The legacy single fields are dropped, so nothing reads half the duties by mistake.
 */
export const PlanItem = StoredPlanItem.transform(
  ({ title, titleSource, recurrence, recurrences, cadence, cadences, ...rest }) => ({
    ...rest,
    ...(title === null ? itemTitle(rest.text, rest.id) : { title, titleSource: titleSource ?? 'document' }),
    recurrences: recurrences ?? (recurrence ? [recurrence] : []),
    cadences: cadences ?? (cadence ? [cadence] : []),
  }),
);
export type PlanItem = z.output<typeof PlanItem>;

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
/**
 * The one recurring duty a single-valued consumer records (the `plan_items.recurrence` column): the most
 * frequent, because it says how often the item must be done at least; the first stated among equals.
 */
export const mainRecurrence = (item: Pick<PlanItem, 'recurrences'>): Recurrence | null =>
  item.recurrences.reduce<Recurrence | null>(
    (main, r) => (!main || r.everyYears < main.everyYears ? r : main),
    null,
  );
