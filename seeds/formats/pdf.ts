/**
 * PDF: the text layer, read by pdf.js in a worker thread (see pdf-worker.mjs), laid out into paragraphs
 * and tables by pdf-layout.ts. A PDF without a text layer (a scan) is refused: reading it needs OCR.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReadOutcome } from './model';
import { layoutPdf, type PdfPage } from './pdf-layout';

/** A PDF that takes longer than this to read is given up on (a hostile or pathological file). */
const READ_TIMEOUT_MS = 60_000;

type WorkerAnswer = { ok: true; pages: PdfPage[] } | { ok: false; name: string; message: string };

export async function readPdf(bytes: Uint8Array): Promise<ReadOutcome> {
  const answer = await extractInWorker(bytes);
  if (!answer.ok) return { ok: false, error: pdfError(answer) };
  const characters = answer.pages.reduce(
    (n, p) => n + p.items.reduce((m, i) => m + i.str.replace(/\s/g, '').length, 0),
    0,
  );
  if (answer.pages.length === 0 || characters === 0) {
    return {
      ok: false,
      error:
        'PDF 中没有文字层（可能是扫描件或图片），无法读取文字。请向发文单位索取 Word 版或可复制文字的 PDF，或先做文字识别（OCR）后再导入。',
    };
  }
  return { ok: true, document: { format: 'pdf', blocks: layoutPdf(answer.pages), notes: [] } };
}

function pdfError(answer: Extract<WorkerAnswer, { ok: false }>): string {
  if (answer.name === 'PasswordException') return 'PDF 设有打开密码，无法读取。请取消密码后另存，再导入。';
  if (answer.name === 'Timeout')
    return 'PDF 读取超时（文件过大或结构异常）。请另存为较小的文件或 Word 文档后重试。';
  return 'PDF 文件已损坏或不完整，无法读取。请重新下载或重新导出后重试。';
}

function workerScript(): string {
  // From dist/seeds/formats the script is found in the source tree (tsc does not copy .mjs files).
  const candidates = [
    path.join(__dirname, 'pdf-worker.mjs'),
    path.join(__dirname, '..', '..', '..', 'seeds', 'formats', 'pdf-worker.mjs'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error('seeds/formats/pdf-worker.mjs not found');
  return found;
}

function extractInWorker(bytes: Uint8Array): Promise<WorkerAnswer> {
  return new Promise((resolve) => {
    const worker = new Worker(workerScript(), { workerData: bytes });
    let settled = false;
    // The worker is ended before the answer is given, so no thread outlives a read.
    const done = (answer: WorkerAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.terminate().then(
        () => resolve(answer),
        () => resolve(answer),
      );
    };
    const timer = setTimeout(() => done({ ok: false, name: 'Timeout', message: 'timeout' }), READ_TIMEOUT_MS);
    worker.once('message', (answer: WorkerAnswer) => done(answer));
    worker.once('error', (error: Error) => done({ ok: false, name: error.name, message: error.message }));
    worker.once('exit', () => done({ ok: false, name: 'Exit', message: 'worker exited' }));
  });
}
