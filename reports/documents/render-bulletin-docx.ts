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
  type IParagraphOptions,
  type IRunOptions,
} from 'docx';
import type { AssessmentBulletin } from './assessment-bulletin';
import { titleLines } from './title-lines';

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
/** Table text (小四) on exact lines of 16 points: rows as compact as the text, the same everywhere. */
const TABLE_SPACING = { line: 320, lineRule: 'exact' as const };

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
/** A4 with the margins GB/T 9704 sets: a type area of 156 mm × 225 mm (in twips). */
const PAGE = { width: 11906, height: 16838 };
const MARGIN = { top: 2098, bottom: 1984, left: 1588, right: 1474 };
/** Full-width characters of the title (小标宋 二号) on one line of the type area. */
const TITLE_CHARS = Math.floor((PAGE.width - MARGIN.left - MARGIN.right) / (SIZE.title * 10));

/** A title in 小标宋 二号, centred, broken into balanced lines where its sense allows. */
const titleParagraph = (title: string, spacing: IParagraphOptions['spacing']) =>
  new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing,
    children: titleLines(title, TITLE_CHARS).map((line, i) =>
      run(line, { font: XIAOBIAOSONG, size: SIZE.title, ...(i > 0 ? { break: 1 } : {}) }),
    ),
  });

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
          page: { size: PAGE, margin: MARGIN },
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
          titleParagraph(head.title, { after: 560, line: 700, lineRule: 'exact' }),
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
                titleParagraph(attachment.title, { before: 400, after: 400 }),
                ...attachment.content,
              ]
            : []),
        ],
      },
    ],
  });
}

/**
 * Column widths in twips over the 156 mm type area: every header on one line (five characters of 小四
 * and the cell margins need 1416), a unit's name of eight characters (衢州职业技术学院) unbroken, the
 * last column (the deductions) takes the rest.
 */
export const COLUMN_WIDTHS = [700, 2140, 700, 700, 1500, 3104];

function rankingTable(ranking: AssessmentBulletin['ranking']): Table {
  const last = ranking.columns.length - 1;
  return officialTable(ranking, COLUMN_WIDTHS, (column) => column === last);
}

/** The width of the type area in twips (156 mm): what a table's column widths add up to. */
export const TYPE_AREA = PAGE.width - MARGIN.left - MARGIN.right;
/** A cell's left and right margins together (Word's default 0.19 cm each side). */
const CELL_MARGINS = 216;
/**
 * The lines of a header cell: broken between words where the column is too narrow for it (当年 /
 * 计划值, not 当年计 / 划值). Body cells wrap as the reader's word processor wraps them.
 */
function headerLines(text: string, width: number): string[] {
  const chars = Math.floor((width - CELL_MARGINS) / (SIZE.table * 10));
  return chars < 2 ? [text] : titleLines(text, chars);
}

/**
 * A table in the official layout: 黑体 headers repeated on every page, 仿宋 cells, rows never split
 * across pages; headers are centred, and so are the cells of columns `leftAligned` does not name.
 * `widths` (twips) add up to the type area, so that no column is narrower than it was planned.
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
          spacing: TABLE_SPACING,
          // The paragraph mark at the table's size too: at the body's 三号 it makes every line taller.
          run: { size: SIZE.table },
          children: (header ? headerLines(text, widths[column] ?? 800) : [text]).map((line, i) =>
            run(line, {
              size: SIZE.table,
              bold: header,
              font: header ? HEITI : FANGSONG,
              ...(i > 0 ? { break: 1 } : {}),
            }),
          ),
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
