import type { CycleSummary } from '../domain/cycle';

/** Display width in a terminal: CJK and full-width characters take two columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    width +=
      code >= 0x1100 &&
      (code <= 0x115f ||
        (code >= 0x2e80 && code <= 0xa4cf) ||
        (code >= 0xac00 && code <= 0xd7a3) ||
        (code >= 0xf900 && code <= 0xfaff) ||
        (code >= 0xfe30 && code <= 0xfe4f) ||
        (code >= 0xff00 && code <= 0xff60) ||
        (code >= 0xffe0 && code <= 0xffe6) ||
        code >= 0x1f300)
        ? 2
        : 1;
  }
  return width;
}

const pad = (text: string, width: number): string =>
  text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/** A plain, aligned table for the terminal. */
export function renderTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) =>
    Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i] ?? ''))),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export const ragDot: Record<string, string> = { red: '🔴 红', amber: '🟡 黄', green: '🟢 绿' };

/** The cycle summary (per item: on time, late, missing, returns, met, missed, highest 督办 level). */
export function renderCycleSummary(summary: CycleSummary): string {
  return renderTable(
    ['项目', '牵头单位', '节点', '按时', '逾期', '未报', '退回', '达成', '未达成', '最高督办'],
    summary.items.map((i) => [
      i.title.length > 24 ? `${i.title.slice(0, 23)}…` : i.title,
      i.leadUnit,
      i.milestones,
      i.onTime,
      i.late,
      i.missing,
      i.returns,
      i.met,
      i.missed,
      i.maxEscalation ? `${i.maxEscalation}级` : '—',
    ]),
  );
}
