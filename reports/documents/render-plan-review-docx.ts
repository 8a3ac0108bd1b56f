/**
 * The 中期评估 / 终期评估 report as a Word document, in the official layout of the 通报
 * (render-bulletin-docx.ts): head, 文号, title, 主送单位, the opening, the indicators and the major
 * projects each with a summary and a table, the problems found and the next steps, then the issuing
 * office and the date at the foot.
 */
import { Packer } from 'docx';
import type { PlanReview } from './plan-review';
import { body, heading, officialDocument, officialTable } from './render-bulletin-docx';

/**
 * Column widths in twips over the 156 mm type area (both tables have seven columns): 序号 on one
 * line, a lead unit of four characters unbroken, the names of indicators and projects and the
 * projects' targets as wide as the rest allows.
 */
export const INDICATOR_WIDTHS = [700, 2300, 1300, 1000, 1000, 1000, 1544];
export const PROJECT_WIDTHS = [700, 1700, 1200, 2000, 1300, 700, 1244];
/** 序号 is centred; every other column reads from the left. */
const notFirst = (column: number) => column !== 0;

export const renderPlanReviewDocx = (r: PlanReview): Promise<Buffer> =>
  Packer.toBuffer(
    officialDocument(r, [
      body(r.opening),
      heading('一、主要指标完成情况'),
      ...r.indicatorSummary.map(body),
      officialTable(r.indicators, INDICATOR_WIDTHS, notFirst),
      heading('二、重大项目推进情况'),
      ...r.projectSummary.map(body),
      officialTable(r.projects, PROJECT_WIDTHS, notFirst),
      heading('三、存在的主要问题'),
      ...(r.problems.length > 0 ? r.problems.map(body) : [body('未发现突出问题。')]),
      heading('四、下一步工作'),
      ...r.nextSteps.map(body),
    ]),
  );
