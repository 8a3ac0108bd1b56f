/**
 * The 通报 as a Word document in the layout of an official document (党政机关公文格式, GB/T 9704): A4, the
 * issuing office in red at the head, the 文号 under it above a red rule, the title in 小标宋 二号, 主送单位,
 * body in 仿宋 三号 with 黑体 section headings, the ranking table, then the issuing office and the date at the
 * foot. Fonts are named as offices have them; a machine without them substitutes its own.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx';
import type { AssessmentBulletin } from './assessment-bulletin';

const RED = 'C00000';
/** Half-points: 二号 22pt, 三号 16pt, 四号 14pt, 小四 12pt. */
export const SIZE = { title: 44, body: 32, table: 24 } as const;
const font = (eastAsia: string): IRunOptions['font'] => ({
  eastAsia,
  ascii: 'Times New Roman',
  hAnsi: 'Times New Roman',
});
export const FANGSONG = font('仿宋_GB2312');
export const HEITI = font('黑体');
const XIAOBIAOSONG = font('方正小标宋简体');
/** 28 points between lines, 2 characters of first-line indent at 三号. */
const BODY_SPACING = { line: 560, lineRule: 'exact' as const };
const INDENT = { firstLine: 640 };

export const run = (text: string, options: IRunOptions = {}) =>
  new TextRun({ text, font: FANGSONG, size: SIZE.body, ...options });
export const body = (text: string) =>
  new Paragraph({ children: [run(text)], spacing: BODY_SPACING, indent: INDENT });
export const heading = (text: string) =>
  new Paragraph({ children: [run(text, { font: HEITI })], spacing: BODY_SPACING, indent: INDENT });

export function bulletinDocument(b: AssessmentBulletin): Document {
  const listItems = (items: { unit: string; reason: string }[], none: string) =>
    items.length === 0 ? [body(none)] : items.map((x, i) => body(`${i + 1}. ${x.unit}（${x.reason}）。`));
  return officialDocument(
    b,
    [
      body(b.opening),
      ...b.sections.flatMap((s) => [heading(s.heading), ...s.paragraphs.map(body)]),
      rankingTable(b.ranking),
      heading('二、表扬和批评'),
      body('对考核等次为“好”的以下单位予以通报表扬：'),
      ...listItems(b.praised, '本期无通报表扬单位。'),
      body('对考核等次为“差”的以下单位予以通报批评：'),
      ...listItems(b.criticised, '本期无通报批评单位。'),
      heading('三、整改要求'),
      ...b.rectification.map(body),
    ],
    { title: '计分办法', content: b.scoringRules.map(body) },
  );
}

/** What frames every document an office sends: who sends it, its 文号, title, addressees and date. */
export interface OfficialHead {
  issuer: string;
  documentNumber: string;
  title: string;
  addressees: string[];
  /** 成文日期 as written: 2017年9月1日. */
  date: string;
}

/** An attachment (附件) of an official document: named in the body, printed after the 落款. */
export interface Attachment {
  title: string;
  content: (Paragraph | Table)[];
}

/**
 * A document in the official layout around `content`: the issuing office in red, the 文号 above a
 * red rule, the title, 主送单位; after the content, the issuing office and the date at the foot. An
 * attachment is named above the 落款 (附件：…) and follows on a page of its own, headed 附件 in 黑体
 * and its title, as GB/T 9704 lays it out.
 */
export function officialDocument(
  head: OfficialHead,
  content: (Paragraph | Table)[],
  attachment?: Attachment,
): Document {
  return new Document({
    creator: head.issuer,
    title: head.title,
    description: head.documentNumber,
    styles: { default: { document: { run: { font: FANGSONG, size: SIZE.body } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 },
          },
        },
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 400 },
            children: [run(head.issuer, { font: XIAOBIAOSONG, size: 60, color: RED })],
          }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 8 } },
            spacing: { after: 600 },
            children: [run(head.documentNumber)],
          }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 560, line: 700, lineRule: 'exact' },
            children: [run(head.title, { font: XIAOBIAOSONG, size: SIZE.title })],
          }),
          new Paragraph({ spacing: BODY_SPACING, children: [run(`${head.addressees.join('、')}：`)] }),
          ...content,
          ...(attachment ? [body(`附件：${attachment.title}`)] : []),
          new Paragraph({
            spacing: { before: 1120, ...BODY_SPACING },
            alignment: AlignmentType.RIGHT,
            indent: { right: 1280 },
            children: [run(head.issuer)],
          }),
          new Paragraph({
            spacing: BODY_SPACING,
            alignment: AlignmentType.RIGHT,
            indent: { right: 1280 },
            children: [run(head.date)],
          }),
          ...(attachment
            ? [
                new Paragraph({
                  pageBreakBefore: true,
                  spacing: BODY_SPACING,
                  children: [run('附件', { font: HEITI })],
                }),
                new Paragraph({
                  alignment: AlignmentType.CENTER,
                  spacing: { before: 400, after: 400 },
                  children: [run(attachment.title, { font: XIAOBIAOSONG, size: SIZE.title })],
                }),
                ...attachment.content,
              ]
            : []),
        ],
      },
    ],
  });
}

/** Column widths in twips over the 156 mm type area; the last column (the deductions) takes the rest. */
const COLUMN_WIDTHS = [700, 1500, 800, 800, 1300, 3744];

function rankingTable(ranking: AssessmentBulletin['ranking']): Table {
  const last = ranking.columns.length - 1;
  return officialTable(ranking, COLUMN_WIDTHS, (column) => column === last);
}

/**
 * A table in the official layout: 黑体 headers repeated on every page, 仿宋 cells, rows never split
 * across pages; headers are centred, and so are the cells of columns `leftAligned` does not name.
 */
export function officialTable(
  t: { columns: string[]; rows: string[][] },
  widths: number[],
  leftAligned: (column: number) => boolean,
): Table {
  const cell = (text: string, column: number, header = false) =>
    new TableCell({
      width: { size: widths[column] ?? 800, type: WidthType.DXA },
      children: [
        new Paragraph({
          alignment: !header && leftAligned(column) ? AlignmentType.LEFT : AlignmentType.CENTER,
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

export const renderBulletinDocx = (b: AssessmentBulletin): Promise<Buffer> =>
  Packer.toBuffer(bulletinDocument(b));
