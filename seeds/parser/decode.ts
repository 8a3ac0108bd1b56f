/**
 * Turns the bytes of a plan file into text. Government documents often arrive as GBK, so invalid
 * UTF-8 is retried as GBK; anything else is refused with a message the user can act on.
 */

export type DecodeOutcome =
  { ok: true; text: string; encoding: 'utf-8' | 'gbk' | 'utf-16le' } | { ok: false; error: string };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export function decodePlanBytes(bytes: Uint8Array): DecodeOutcome {
  if (bytes.length === 0 || isBlank(bytes)) return { ok: false, error: '文件为空，没有可解析的内容。' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { ok: true, text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  if (bytes.includes(0)) {
    return {
      ok: false,
      error:
        '文件含有空字节（NUL），像是二进制文件，但不是可读取的 Word（.docx）、Excel（.xlsx）或 PDF 文件。请另存为这几种格式之一或纯文本（.txt）后重试。',
    };
  }
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  const utf8 = tryDecode('utf-8', body);
  if (utf8 !== null) return checkText(utf8, 'utf-8');
  const gbk = isWellFormedGbk(body) ? tryDecode('gbk', body) : null;
  if (gbk !== null && !gbk.includes('\uFFFD')) return checkText(gbk, 'gbk');
  return {
    ok: false,
    error: '无法识别文件编码：既不是有效的 UTF-8，也不是 GBK。请另存为 UTF-8 文本后重试。',
  };
}

function checkText(text: string, encoding: 'utf-8' | 'gbk'): DecodeOutcome {
  // Control characters other than tab/newline/CR/form feed mean the bytes were not meant as text.
  const controls = [...text].filter(isStrayControl).length;
  if (controls > Math.max(2, text.length / 100)) {
    return { ok: false, error: '文件含有大量控制字符，像是二进制文件，请先另存为纯文本（.txt）。' };
  }
  return { ok: true, text, encoding };
}

function isStrayControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && !'\t\n\r\f'.includes(ch)) || code === 0x7f;
}

function tryDecode(encoding: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Node's GBK decoder drops invalid bytes silently even when `fatal`, so the byte structure is checked
 * here: ASCII, or a lead byte 0x81–0xFE followed by a trail byte 0x40–0x7E / 0x80–0xFE.
 */
function isWellFormedGbk(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) continue;
    const trail = bytes[i + 1] ?? 0;
    if (lead === 0x80 || lead === 0xff || trail < 0x40 || trail === 0x7f || trail === 0xff) return false;
    i++;
  }
  return true;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);
}
