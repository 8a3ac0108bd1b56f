/**
 * The 整改通知 as a Word document, in the official layout the 通报 uses (render-bulletin-docx.ts): head,
 * 文号, title, 主送单位, the opening, the list of items with their reasons, 整改要求, 整改期限, then the
 * issuing office and the date at the foot.
 */
import { Packer } from 'docx';
import type { RectificationNotice } from './rectification-notice';
import { body, heading, officialDocument, officialTable } from './render-bulletin-docx';

/**
 * Column widths in twips over the 156 mm type area: 序号 and 责任单位 fit unbroken; the milestone's
 * text and the reasons, the longest, share the rest.
 */
export const COLUMN_WIDTHS = [700, 1640, 1600, 1750, 1180, 1974];

export const renderRectificationNoticeDocx = (n: RectificationNotice): Promise<Buffer> =>
  Packer.toBuffer(
    officialDocument(n, [
      body(n.opening),
      heading('一、需整改事项'),
      officialTable(n.items, COLUMN_WIDTHS, (column) => column !== 0),
      heading('二、整改要求'),
      ...n.requirements.map(body),
      heading('三、整改期限'),
      body(`${n.deadline}前。`),
    ]),
  );
