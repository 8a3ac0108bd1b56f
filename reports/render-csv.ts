import type { Cell, Report } from './report';

const quote = (cell: Cell): string => {
  const text = cell === null ? '' : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * RFC 4180 CSV with a UTF-8 BOM, so Excel on a Chinese Windows desktop opens it without garbling.
 * A report of several tables writes each under its title, separated by a blank line.
 */
export function renderCsv(report: Report): string {
  const blocks = report.tables.map((table) => {
    const lines = [
      table.columns.map((c) => quote(c.label)).join(','),
      ...table.rows.map((r) => table.columns.map((c) => quote(r[c.key] ?? null)).join(',')),
    ];
    return report.tables.length > 1 ? [quote(table.title), ...lines].join('\r\n') : lines.join('\r\n');
  });
  return `\ufeff${blocks.join('\r\n\r\n')}\r\n`;
}
