import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { LIVE_SCHEMA } from '../db/projections/read-model';
import {
  assessmentReport,
  cycleReport,
  noticesReport,
  overdueReport,
  reworkReport,
  targetsReport,
  unitsReport,
  type ReportScope,
} from '../reports/builders';
import { instructionsReport } from '../reports/instructions';
import { lineageReport, type LineageFilter } from '../reports/lineage';
import { dispatchReport } from '../reports/dispatch';
import { indicatorsReport } from '../reports/indicators';
import { loadAssessmentBulletin } from '../reports/documents/assessment-bulletin';
import {
  loadPlanReview,
  planReviewReport,
  stageName,
  type ReviewStage,
} from '../reports/documents/plan-review';
import { renderBulletinDocx } from '../reports/documents/render-bulletin-docx';
import { renderPlanReviewDocx } from '../reports/documents/render-plan-review-docx';
import { progressReport } from '../reports/progress';
import { latestPlanTime } from '../reports/queries';
import type { Report } from '../reports/report';
import { renderCsv } from '../reports/render-csv';
import { renderHtml } from '../reports/render-html';
import { renderXlsx } from '../reports/render-xlsx';
import { ApiError } from './errors';

export type ReportName =
  | 'cycle'
  | 'units'
  | 'overdue'
  | 'targets'
  | 'rework'
  | 'assessment'
  | 'notices'
  | 'instructions'
  | 'progress'
  | 'lineage'
  | 'dispatch'
  | 'indicators'
  | 'plan-review';
export const reportTitles: Record<ReportName, string> = {
  cycle: '督导周期情况汇总',
  units: '单位履职情况',
  overdue: '逾期事项及督办',
  targets: '目标值完成进度',
  rework: '退回重办情况',
  assessment: '单位考核排名',
  notices: '催办督办通知送达',
  instructions: '领导批示办理情况',
  progress: '定期反馈情况',
  lineage: '整改事项沿革',
  dispatch: '多级下发办理情况',
  indicators: '主要指标年度监测',
  'plan-review': '规划中期评估/终期评估',
};

/** What the person issuing a document decides rather than the figures; the plan review's stage. */
export interface DocumentOptions {
  stage?: ReviewStage;
  /** 文号, e.g. 衢教督〔2018〕5号. */
  documentNumber?: string;
  /** 发文机关; by default the plan's issuer. */
  issuer?: string;
}

type Scope = ReportScope & { filter?: LineageFilter; document?: DocumentOptions };
type Builder = (db: Kysely<Database>, scope: Scope) => Promise<Report>;

const builders: Record<ReportName, Builder> = {
  cycle: (db, s) => cycleReport(db, { ...s, cycleId: s.cycleId! }),
  assessment: (db, s) => assessmentReport(db, { ...s, cycleId: s.cycleId! }),
  units: unitsReport,
  overdue: overdueReport,
  targets: targetsReport,
  rework: reworkReport,
  notices: noticesReport,
  instructions: instructionsReport,
  progress: progressReport,
  lineage: lineageReport,
  dispatch: dispatchReport,
  indicators: indicatorsReport,
  'plan-review': async (db, s) => planReviewReport(await loadPlanReview(db, s, s.document), s),
};

/**
 * The reports an office also sends as an official document (Word, 公文格式), as `dudao report
 * assessment --docx` and `dudao report plan-review --docx` write them: the 通报 and the plan review.
 */
const documents: Partial<Record<ReportName, (db: Kysely<Database>, scope: Scope) => Promise<Buffer>>> = {
  assessment: async (db, s) =>
    renderBulletinDocx(await loadAssessmentBulletin(db, { ...s, cycleId: s.cycleId! }, s.document)),
  'plan-review': async (db, s) => renderPlanReviewDocx(await loadPlanReview(db, s, s.document)),
};
export const hasDocument = (name: ReportName): boolean => name in documents;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const documentTitle = (name: ReportName, options: DocumentOptions) =>
  name === 'plan-review' ? stageName[options.stage ?? 'mid'] : '考核结果通报';

const formats = {
  csv: { contentType: 'text/csv; charset=utf-8', render: (r: Report) => Buffer.from(renderCsv(r)) },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    render: (r: Report) => renderXlsx(r),
  },
  html: { contentType: 'text/html; charset=utf-8', render: (r: Report) => Buffer.from(renderHtml(r)) },
};

/**
 * A report over the live read models at the log's latest plan time, as `dudao report` produces it;
 * as `docx`, the official document of a report that has one (`hasDocument`).
 */
export async function buildReport(
  db: Kysely<Database>,
  name: ReportName,
  cycleId: string | undefined,
  format: keyof typeof formats | 'docx',
  filter: LineageFilter = {},
  document: DocumentOptions = {},
): Promise<{ content: Buffer; contentType: string; fileName: string }> {
  const at = await latestPlanTime(db, cycleId);
  const scope: Scope = { schema: LIVE_SCHEMA, cycleId, at, filter, document };
  if (format === 'docx') {
    const write = documents[name];
    if (!write)
      throw new ApiError(
        400,
        'invalid_command',
        `${reportTitles[name]}没有 Word 文档，请选择 CSV、Excel 或 HTML`,
      );
    return {
      content: await write(db, scope),
      contentType: DOCX,
      fileName: `${documentTitle(name, document)}${cycleId ? `-${cycleId}` : ''}.docx`,
    };
  }
  const report = await builders[name](db, scope);
  return {
    content: await formats[format].render(report),
    contentType: formats[format].contentType,
    fileName: `${reportTitles[name]}${cycleId ? `-${cycleId}` : ''}.${format}`,
  };
}
