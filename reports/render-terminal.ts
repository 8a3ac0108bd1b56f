import { renderTable } from './table';
import type { Report } from './report';

/** The report as aligned text tables for the terminal (CJK characters count double width). */
export function renderTerminal(report: Report): string {
  const parts = [report.title, report.subtitle, ''];
  for (const table of report.tables) {
    parts.push(`【${table.title}】`);
    parts.push(
      table.rows.length === 0
        ? '（无）'
        : renderTable(
            table.columns.map((c) => c.label),
            table.rows.map((r) => table.columns.map((c) => r[c.key] ?? '—')),
          ),
    );
    parts.push('');
  }
  parts.push(...report.footer);
  return parts.join('\n');
}
