/**
 * What a file is, from its bytes (the extension is only a hint): a PDF, a Word or Excel document (a zip
 * with word/ or xl/ parts), an encrypted or legacy Office file (a CFB container), or text. Formats the
 * reader cannot take are named with what to do instead.
 */
export type Sniffed = { kind: 'pdf' | 'docx' | 'xlsx' | 'text' } | { kind: 'refused'; error: string };

const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];

export function sniff(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, ZIP) || startsWith(bytes, EMPTY_ZIP)) return sniffZip(bytes);
  if (startsWith(bytes, CFB)) return sniffCfb(bytes);
  if (find(bytes.subarray(0, 1024), ascii('%PDF-')) >= 0) return { kind: 'pdf' };
  if (startsWith(bytes, ascii('{\\rtf')))
    return refused('这是 RTF 文件，暂不支持。请在 Word 或 WPS 中另存为 .docx 后再导入。');
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47]) || startsWith(bytes, [0xff, 0xd8, 0xff]))
    return refused('这是图片文件，没有可读取的文字。请导入 Word、PDF（含文字层）、Excel 或文本文件。');
  return { kind: 'text' };
}

function sniffZip(bytes: Uint8Array): Sniffed {
  // Part names are stored uncompressed in every local header and in the central directory.
  if (find(bytes, ascii('word/')) >= 0) return { kind: 'docx' };
  if (find(bytes, ascii('xl/')) >= 0) return { kind: 'xlsx' };
  if (find(bytes, ascii('application/vnd.oasis.opendocument')) >= 0)
    return refused(
      '这是 WPS/LibreOffice 的 ODF 文档（.odt/.ods），暂不支持。请另存为 .docx 或 .xlsx 后再导入。',
    );
  if (find(bytes, ascii('ppt/')) >= 0)
    return refused('这是 PowerPoint 演示文稿，不是任务分工方案。请导入 Word、PDF、Excel 或文本文件。');
  return refused(
    '这是一个压缩包（zip），不是 Word 或 Excel 文档；也可能是文件已损坏。请解压后导入其中的方案文件，或重新保存后再试。',
  );
}

function sniffCfb(bytes: Uint8Array): Sniffed {
  // A CFB directory names its streams in UTF-16LE.
  if (find(bytes, utf16('EncryptedPackage')) >= 0 || find(bytes, utf16('EncryptionInfo')) >= 0)
    return refused('文件设有打开密码（已加密），无法读取。请在 Office 或 WPS 中取消密码后另存，再导入。');
  if (find(bytes, utf16('WordDocument')) >= 0)
    return refused('这是旧版 Word 文档（.doc），暂不支持。请在 Word 或 WPS 中另存为 .docx 后再导入。');
  if (find(bytes, utf16('Workbook')) >= 0 || find(bytes, utf16('Book')) >= 0)
    return refused('这是旧版 Excel 工作簿（.xls），暂不支持。请在 Excel 或 WPS 中另存为 .xlsx 后再导入。');
  return refused('这是旧版 Office 文件（.doc/.xls 等），暂不支持。请另存为 .docx 或 .xlsx 后再导入。');
}

const refused = (error: string): Sniffed => ({ kind: 'refused', error });

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

function utf16(s: string): number[] {
  return [...s].flatMap((c) => [c.charCodeAt(0), 0]);
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function find(bytes: Uint8Array, needle: number[]): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(Buffer.from(needle));
}
