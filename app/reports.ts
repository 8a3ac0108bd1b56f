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
import { progressReport } from '../reports/progress';
import { latestPlanTime } from '../reports/queries';
import type { Report } from '../reports/report';
import { renderCsv } from '../reports/render-csv';
import { renderHtml } from '../reports/render-html';
import { renderXlsx } from '../reports/render-xlsx';

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
  | 'indicators';
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
};

type Builder = (db: Kysely<Database>, scope: ReportScope & { filter?: LineageFilter }) => Promise<Report>;

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
};

const formats = {
  csv: { contentType: 'text/csv; charset=utf-8', render: (r: Report) => Buffer.from(renderCsv(r)) },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    render: (r: Report) => renderXlsx(r),
  },
  html: { contentType: 'text/html; charset=utf-8', render: (r: Report) => Buffer.from(renderHtml(r)) },
};

/** A report over the live read models at the log's latest plan time, as `dudao report` produces it. */
export async function buildReport(
  db: Kysely<Database>,
  name: ReportName,
  cycleId: string | undefined,
  format: keyof typeof formats,
  filter: LineageFilter = {},
): Promise<{ content: Buffer; contentType: string; fileName: string }> {
  const at = await latestPlanTime(db, cycleId);
  const report = await builders[name](db, { schema: LIVE_SCHEMA, cycleId, at, filter });
  return {
    content: await formats[format].render(report),
    contentType: formats[format].contentType,
    fileName: `${reportTitles[name]}${cycleId ? `-${cycleId}` : ''}.${format}`,
  };
}
