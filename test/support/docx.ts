import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The paragraphs' texts of a .docx, in order, and its tables' rows as cell texts. */
export function readDocx(buffer: Buffer): { xml: string; paragraphs: string[]; tables: string[][][] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-'));
  const file = path.join(dir, 'b.docx');
  fs.writeFileSync(file, buffer);
  const xml = execFileSync('unzip', ['-p', file, 'word/document.xml']).toString('utf8');
  fs.rmSync(dir, { recursive: true });
  const text = (s: string) => [...s.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
  const outside = xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '');
  const paragraphs = [...outside.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => text(m[0]));
  const tables = [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((t) =>
    [...t[0].matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((r) =>
      [...r[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => text(c[0])),
    ),
  );
  return { xml, paragraphs, tables };
}
