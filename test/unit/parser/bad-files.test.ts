/** Files that cannot be read are refused with a Chinese message that says what to do next. */
import { parsePlanFile } from '../../../seeds/parser/document';
import { refusal } from './format-helpers';

describe('bad files', () => {
  it.each([
    [
      'a password-protected Word file (a CFB container, not a zip)',
      'encrypted.docx',
      /设有打开密码.*取消密码/,
    ],
    ['a scanned PDF (no text layer)', 'scanned.pdf', /没有文字层.*扫描件.*OCR/],
    ['an empty Word document', 'empty.docx', /文件为空/],
    ['a sheet whose header names no known columns', 'wrong-header.xlsx', /表头中没有可识别的列.*牵头单位/],
    ['a truncated Word file', 'truncated.docx', /Word 文件已损坏或不完整/],
    ['a truncated PDF', 'truncated.pdf', /PDF 文件已损坏或不完整/],
    ['a truncated workbook', 'truncated.xlsx', /Excel 文件已损坏或不完整/],
    ['a legacy .doc', 'legacy.doc', /旧版 Word 文档（\.doc）.*另存为 \.docx/],
    ['a legacy .xls', 'legacy.xls', /旧版 Excel 工作簿（\.xls）.*另存为 \.xlsx/],
  ])('%s', async (_name, file, message) => {
    expect(await refusal('bad', file)).toMatch(message);
  });

  const bytes = (s: string) => new TextEncoder().encode(s);
  it.each([
    ['a zip that is no Office document', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), /压缩包/],
    ['an image', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), /图片/],
    ['an RTF file', bytes('{\\rtf1\\ansi 一、任务}'), /RTF.*\.docx/],
    [
      'a CSV whose header names no known columns',
      bytes('指标,2020年,2025年\n入园率,97,98\n'),
      /表头中没有可识别的列/,
    ],
  ])('%s', async (_name, input, message) => {
    const outcome = await parsePlanFile(input, 'file.csv');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toMatch(message);
  });
});
