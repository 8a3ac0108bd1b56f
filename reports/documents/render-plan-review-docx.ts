/**
 * The 中期评估 / 终期评估 report as a Word document, in the official layout of the 通报
 * (render-bulletin-docx.ts): head, 文号, title, 主送单位, the opening, the indicators and the major
 * projects each with a summary and a table, the problems found and the next steps, then the issuing
 * office and the date at the foot.
 */
import { AlignmentType, Packer, Paragraph, Table, TableCell, TableRow, WidthType } from 'docx';
import type { PlanReview } from './plan-review';
import { FANGSONG, HEITI, SIZE, body, heading, officialDocument, run } from './render-bulletin-docx';

/** Column widths in twips over the 156 mm type area (both tables have seven columns). */
const INDICATOR_WIDTHS = [500, 1900, 1300, 1100, 1100, 1000, 2344];
const PROJECT_WIDTHS = [500, 2000, 900, 2200, 1300, 700, 1644];

function table(t: { columns: string[]; rows: string[][] }, widths: number[]): Table {
  const cell = (text: string, column: number, header = false) =>
    new TableCell({
      width: { size: widths[column] ?? 800, type: WidthType.DXA },
      children: [
        new Paragraph({
          alignment: header || column === 0 ? AlignmentType.CENTER : AlignmentType.LEFT,
          children: [run(text, { size: SIZE.table, bold: header, font: header ? HEITI : FANGSONG })],
        }),
      ],
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: widths,
    rows: [
      new TableRow({ tableHeader: true, children: t.columns.map((c, i) => cell(c, i, true)) }),
      ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i)) })),
    ],
  });
}

export const renderPlanReviewDocx = (r: PlanReview): Promise<Buffer> =>
  Packer.toBuffer(
    officialDocument(r, [
      body(r.opening),
      heading('一、主要指标完成情况'),
      ...r.indicatorSummary.map(body),
      table(r.indicators, INDICATOR_WIDTHS),
      heading('二、重大项目推进情况'),
      ...r.projectSummary.map(body),
      table(r.projects, PROJECT_WIDTHS),
      heading('三、存在的主要问题'),
      ...(r.problems.length > 0 ? r.problems.map(body) : [body('未发现突出问题。')]),
      heading('四、下一步工作'),
      ...r.nextSteps.map(body),
    ]),
  );
