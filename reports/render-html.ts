import type { Chart, Report, ReportTable } from './report';

/**
 * One self-contained HTML file: inline CSS and SVG charts, no scripts, fonts or CDN, so it opens
 * offline on any office desktop and prints as is.
 */
export function renderHtml(report: Report): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(report.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escape(report.title)}</h1>
<p class="subtitle">${escape(report.subtitle)}</p>
${report.charts.length > 0 ? `<section class="charts">${report.charts.map(renderChart).join('\n')}</section>` : ''}
${report.tables.map(renderTable).join('\n')}
<footer>${report.footer.map((line) => `<p>${escape(line)}</p>`).join('')}</footer>
</body>
</html>
`;
}

const STYLE = `
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei","WenQuanYi Zen Hei",sans-serif;margin:24px;color:#202124}
h1{font-size:22px;text-align:center;margin-bottom:4px}.subtitle{text-align:center;color:#5f6368;margin-top:0}
h2{font-size:16px;border-left:4px solid #1a73e8;padding-left:8px}
table{border-collapse:collapse;width:100%;margin-bottom:16px;font-size:13px}
th,td{border:1px solid #dadce0;padding:4px 8px;text-align:left}th{background:#e8eef7}td.num{text-align:right}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{border:1px solid #dadce0;border-radius:6px;padding:8px}
footer{margin-top:24px;font-size:13px;color:#3c4043}
@media print{.chart{break-inside:avoid}}`;

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const RAG_COLOUR = { red: '#d93025', amber: '#f29900', green: '#188038' } as const;
const NO_COLOUR = '#9aa0a6';

function renderTable(table: ReportTable): string {
  const head = table.columns.map((c) => `<th>${escape(c.label)}</th>`).join('');
  const body =
    table.rows.length === 0
      ? `<tr><td colspan="${table.columns.length}">（无）</td></tr>`
      : table.rows
          .map(
            (r) =>
              `<tr>${table.columns
                .map((c) => `<td${c.numeric ? ' class="num"' : ''}>${escape(String(r[c.key] ?? '—'))}</td>`)
                .join('')}</tr>`,
          )
          .join('\n');
  return `<h2>${escape(table.title)}</h2>\n<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function renderChart(chart: Chart): string {
  const svg = chartSvg(chart);
  return `<figure class="chart" data-chart="${chart.kind}"><figcaption><h2>${escape(chart.title)}</h2></figcaption>${svg}</figure>`;
}

function chartSvg(chart: Chart): string {
  switch (chart.kind) {
    case 'rag-board':
      return ragBoard(chart.items);
    case 'bars':
      return bars(chart.items, chart.unit);
    case 'timeline':
      return timeline(chart.points);
    case 'trend':
      return trend(chart.points, chart.unit, chart.target);
  }
}

const svg = (width: number, height: number, body: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">${body}</svg>`;
const empty = (): string =>
  svg(360, 40, `<text x="8" y="24" font-size="13" fill="#5f6368">（暂无数据）</text>`);

function ragBoard(items: Extract<Chart, { kind: 'rag-board' }>['items']): string {
  if (items.length === 0) return empty();
  const perRow = 4;
  const cellW = 180;
  const cellH = 56;
  const cells = items.map((item, i) => {
    const x = (i % perRow) * cellW;
    const y = Math.floor(i / perRow) * cellH;
    const colour = item.rag ? RAG_COLOUR[item.rag] : NO_COLOUR;
    return `<g class="rag" data-rag="${item.rag ?? 'none'}" transform="translate(${x},${y})">
<rect x="2" y="2" width="${cellW - 8}" height="${cellH - 8}" rx="6" fill="#fff" stroke="${colour}" stroke-width="2"/>
<circle cx="22" cy="${cellH / 2 - 2}" r="10" fill="${colour}"/>
<text x="40" y="22" font-size="13">${escape(truncate(item.label, 9))}</text>
<text x="40" y="40" font-size="11" fill="#5f6368">${escape(truncate(item.note, 12))}</text></g>`;
  });
  return svg(perRow * cellW, Math.ceil(items.length / perRow) * cellH, cells.join(''));
}

function bars(items: Extract<Chart, { kind: 'bars' }>['items'], unit: string): string {
  if (items.length === 0) return empty();
  const labelW = 200;
  const barW = 300;
  const rowH = 26;
  const rows = items.map((item, i) => {
    const y = i * rowH;
    const w = Math.max(0, Math.min(1, item.max === 0 ? 0 : item.value / item.max)) * barW;
    const colour =
      item.value >= item.max
        ? RAG_COLOUR.green
        : item.value >= item.max * 0.8
          ? RAG_COLOUR.amber
          : RAG_COLOUR.red;
    return `<g class="bar" transform="translate(0,${y})">
<text x="${labelW - 6}" y="17" font-size="12" text-anchor="end">${escape(truncate(item.label, 16))}</text>
<rect x="${labelW}" y="4" width="${barW}" height="16" fill="#f1f3f4"/>
<rect class="value" x="${labelW}" y="4" width="${w.toFixed(1)}" height="16" fill="${colour}"/>
<text x="${labelW + barW + 6}" y="17" font-size="12">${item.value}${escape(unit)}${item.note ? ` ${escape(item.note)}` : ''}</text></g>`;
  });
  return svg(labelW + barW + 160, items.length * rowH + 4, rows.join(''));
}

function timeline(points: Extract<Chart, { kind: 'timeline' }>['points']): string {
  if (points.length === 0) return empty();
  const height = 160;
  const barW = 36;
  const top = Math.max(...points.map((p) => p.value));
  const cols = points.map((p, i) => {
    const h = (p.value / top) * (height - 50);
    const x = 30 + i * (barW + 12);
    return `<g class="point"><rect x="${x}" y="${height - 30 - h}" width="${barW}" height="${h.toFixed(1)}" fill="${RAG_COLOUR.red}"/>
<text x="${x + barW / 2}" y="${height - 34 - h}" font-size="12" text-anchor="middle">${p.value}</text>
<text x="${x + barW / 2}" y="${height - 12}" font-size="10" text-anchor="middle">${escape(p.date.slice(5))}</text></g>`;
  });
  const axis = `<line x1="24" y1="${height - 30}" x2="${30 + points.length * (barW + 12)}" y2="${height - 30}" stroke="#5f6368"/>`;
  return svg(40 + points.length * (barW + 12), height, axis + cols.join(''));
}

/** The plan line (dashed) through each year's planned value; the reported values as coloured dots. */
function trend(points: Extract<Chart, { kind: 'trend' }>['points'], unit: string, target: number): string {
  const values = points.flatMap((p) => [p.planned, p.reported]).filter((v): v is number => v !== null);
  if (points.length === 0 || values.length === 0) return empty();
  const width = 420;
  const height = 216;
  const left = 48;
  const right = 16;
  const top = 16;
  const bottom = 46;
  const lo = Math.min(...values, target);
  const hi = Math.max(...values, target);
  const pad = hi === lo ? Math.max(1, Math.abs(hi) * 0.05) : (hi - lo) * 0.1;
  const min = lo - pad;
  const max = hi + pad;
  const x = (i: number) =>
    left + (points.length === 1 ? 0 : (i * (width - left - right)) / (points.length - 1));
  const y = (v: number) => top + ((max - v) / (max - min)) * (height - top - bottom);
  const f = (n: number) => n.toFixed(1);
  const planned = points
    .map((p, i) => (p.planned === null ? null : `${f(x(i))},${f(y(p.planned))}`))
    .filter((v): v is string => v !== null);
  const axis = `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#5f6368"/>
<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#5f6368"/>
<text x="${left - 4}" y="${f(y(max))}" font-size="10" text-anchor="end" dominant-baseline="hanging">${escape(`${Math.round(max * 10) / 10}${unit}`)}</text>
<text x="${left - 4}" y="${height - bottom}" font-size="10" text-anchor="end">${escape(`${Math.round(min * 10) / 10}${unit}`)}</text>`;
  const targetLine = `<line class="target" x1="${left}" y1="${f(y(target))}" x2="${width - right}" y2="${f(y(target))}" stroke="#1a73e8" stroke-dasharray="2 3"/>
<text x="${width - right}" y="${f(y(target) - 4)}" font-size="10" text-anchor="end" fill="#1a73e8">目标 ${escape(`${target}${unit}`)}</text>`;
  const line =
    planned.length > 1
      ? `<polyline class="plan" points="${planned.join(' ')}" fill="none" stroke="#5f6368" stroke-width="1.5" stroke-dasharray="6 4"/>`
      : '';
  const years = points
    .map(
      (p, i) =>
        `<text x="${f(x(i))}" y="${height - bottom + 16}" font-size="10" text-anchor="middle">${p.year}</text>`,
    )
    .join('');
  const dots = points
    .map((p, i) =>
      p.reported === null
        ? ''
        : `<g class="reported" data-rag="${p.rag ?? 'none'}"><circle cx="${f(x(i))}" cy="${f(y(p.reported))}" r="5" fill="${p.rag ? RAG_COLOUR[p.rag] : NO_COLOUR}"/><text x="${f(x(i))}" y="${f(y(p.reported) - 8)}" font-size="10" text-anchor="middle">${p.reported}</text></g>`,
    )
    .join('');
  const legend = `<text x="${left}" y="${height - 2}" font-size="10" fill="#5f6368">虚线：计划进度；点线：目标；圆点：报送值</text>`;
  return svg(width, height, axis + targetLine + line + years + dots + legend);
}

const truncate = (text: string, max: number): string =>
  [...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text;
