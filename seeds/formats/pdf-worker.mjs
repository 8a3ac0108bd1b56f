// Reads a PDF's text layer and ruling lines with pdf.js, in a worker thread: pdf.js is an ES module
// (the project compiles to CommonJS, and jest cannot import ES modules without flags), and a large or
// hostile PDF must not block the process that serves the web workspace. The geometry is interpreted in
// pdf-layout.ts; this file only extracts it.
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const pdfjsRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));
const { getDocument, OPS } = await import('pdfjs-dist/legacy/build/pdf.mjs');

/** DrawOPS of pdf.js 5: constructPath carries [paint op, [path data], bounds]. */
const MOVE_TO = 0;
const LINE_TO = 1;
const CURVE_TO = 2;
const QUAD_TO = 3;
const CLOSE = 4;

const multiply = (m, n) => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];
const apply = (m, x, y) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/** Straight segments of the page's drawn paths, in page space: the candidates for table rules. */
function segmentsOf(operatorList) {
  const segments = [];
  const stack = [];
  let ctm = [1, 0, 0, 1, 0, 0];
  operatorList.fnArray.forEach((fn, i) => {
    const args = operatorList.argsArray[i];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (fn === OPS.transform) ctm = multiply(ctm, args);
    else if (fn === OPS.constructPath) {
      const paint = args[0];
      if (paint === OPS.endPath) return; // a clipping path draws nothing
      for (const data of args[1] ?? []) {
        if (!data) continue;
        let start = null;
        let at = null;
        for (let k = 0; k < data.length;) {
          const op = data[k];
          if (op === MOVE_TO) {
            at = apply(ctm, data[k + 1], data[k + 2]);
            start = at;
            k += 3;
          } else if (op === LINE_TO) {
            const to = apply(ctm, data[k + 1], data[k + 2]);
            if (at) segments.push([at[0], at[1], to[0], to[1]]);
            at = to;
            k += 3;
          } else if (op === CURVE_TO) {
            at = apply(ctm, data[k + 5], data[k + 6]);
            k += 7;
          } else if (op === QUAD_TO) {
            at = apply(ctm, data[k + 3], data[k + 4]);
            k += 5;
          } else if (op === CLOSE) {
            if (at && start) segments.push([at[0], at[1], start[0], start[1]]);
            at = start;
            k += 1;
          } else {
            break; // an operator this reader does not know: keep what was read so far
          }
        }
      }
    }
  });
  return segments;
}

async function extract(bytes) {
  const task = getDocument({
    data: bytes,
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
    cMapUrl: path.join(pdfjsRoot, 'cmaps') + path.sep,
    cMapPacked: true,
    standardFontDataUrl: path.join(pdfjsRoot, 'standard_fonts') + path.sep,
  });
  const doc = await task.promise;
  const pages = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const [x0, y0, x1, y1] = page.view;
    const content = await page.getTextContent();
    const items = content.items
      .filter((it) => typeof it.str === 'string' && it.str !== '')
      .map((it) => ({
        str: it.str,
        x: it.transform[4],
        y: it.transform[5],
        width: it.width,
        height: it.height || Math.hypot(it.transform[2], it.transform[3]),
      }));
    const segments = segmentsOf(await page.getOperatorList());
    pages.push({ width: x1 - x0, height: y1 - y0, items, segments });
    page.cleanup();
  }
  await doc.destroy();
  return pages;
}

try {
  parentPort.postMessage({ ok: true, pages: await extract(new Uint8Array(workerData)) });
} catch (error) {
  parentPort.postMessage({
    ok: false,
    name: error?.name ?? 'Error',
    message: String(error?.message ?? error),
  });
}
