/**
 * CSV (and tab-separated text): the decoded text is split into records by csv-parse; quoted cells may
 * span lines. A CSV has no merged cells: a section row is a row with one filled cell.
 */
import { parse } from 'csv-parse/sync';
import type { ReadOutcome, TableCell } from './model';

export function readCsv(text: string, delimiter: string): ReadOutcome {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    });
  } catch {
    return {
      ok: false,
      error: 'CSV 文件格式有误（引号不成对等），无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。',
    };
  }
  const cells: TableCell[] = records.flatMap((record, r) =>
    record.map((value, c) => ({
      row: r,
      column: c,
      rowSpan: 1,
      colSpan: 1,
      text: value.replace(/\r\n?/g, '\n').trim(),
      location: { format: 'csv' as const, table: 1, row: r + 1, column: c + 1 },
    })),
  );
  return {
    ok: true,
    document: {
      format: 'csv',
      blocks: [{ type: 'table', index: 1, cells, location: { format: 'csv', table: 1 } }],
      notes: [],
    },
  };
}

/** The delimiter of a text whose first lines read as delimited columns: tab, comma, or none. */
export function guessDelimiter(firstLines: string[], names: (cells: string[]) => boolean): string | null {
  for (const delimiter of ['\t', ',']) {
    if (firstLines.some((line) => line.includes(delimiter) && names(splitSimple(line, delimiter))))
      return delimiter;
  }
  return null;
}

function splitSimple(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((c) => c.replace(/^"|"$/g, '').trim());
}
