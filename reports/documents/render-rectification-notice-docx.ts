/**
 * The 整改通知 as a Word document, in the official layout the 通报 uses (render-bulletin-docx.ts): head,
 * 文号, title, 主送单位, the opening, the list of items with their reasons, 整改要求, 整改期限, then the
 * issuing office and the date at the foot.
 */
import { AlignmentType, Packer, Paragraph, Table, TableCell, TableRow, WidthType } from 'docx';
import type { RectificationNotice } from './rectification-notice';
import { FANGSONG, HEITI, SIZE, body, heading, officialDocument, run } from './render-bulletin-docx';

/** Column widths in twips over the 156 mm type area (序号 and 责任单位 fit unbroken); the reasons take the rest. */
const COLUMN_WIDTHS = [760, 1640, 1700, 1600, 1200, 1944];

function itemsTable(items: RectificationNotice['items']): Table {
  const cell = (text: string, column: number, header = false) =>
    new TableCell({
      width: { size: COLUMN_WIDTHS[column] ?? 800, type: WidthType.DXA },
      children: [
        new Paragraph({
          alignment: header || column === 0 ? AlignmentType.CENTER : AlignmentType.LEFT,
          children: [run(text, { size: SIZE.table, bold: header, font: header ? HEITI : FANGSONG })],
        }),
      ],
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: COLUMN_WIDTHS,
    rows: [
      new TableRow({ tableHeader: true, children: items.columns.map((c, i) => cell(c, i, true)) }),
      ...items.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i)) })),
    ],
  });
}

export const renderRectificationNoticeDocx = (n: RectificationNotice): Promise<Buffer> =>
  Packer.toBuffer(
    officialDocument(n, [
      body(n.opening),
      heading('一、需整改事项'),
      itemsTable(n.items),
      heading('二、整改要求'),
      ...n.requirements.map(body),
      heading('三、整改期限'),
      body(`${n.deadline}前。`),
    ]),
  );
