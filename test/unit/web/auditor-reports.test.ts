/**
 * The auditor page's 报表下载 (also 督导处's): every report in CSV, Excel and HTML, and the official
 * documents in Word: the 通报 of the chosen cycle and the plan review at either stage.
 */
import { auditorBody } from '../../../web/pages/auditor';

const page = auditorBody({ cycles: [], cycleId: 'c2017', projects: [], itemId: null, timeline: null }).value;
const links = [...page.matchAll(/href="([^"]+)"[^>]*>([^<]+)</g)].map((m): [string, string] => [
  m[1]!.replaceAll('&amp;', '&'),
  m[2]!,
]);
const href = (text: string) => links.find(([, t]) => t === text)?.[0];

describe('the report downloads', () => {
  it('offers the plan review as 中期评估 and 终期评估 in Word, over every cycle', () => {
    expect(href('中期评估（Word）')).toBe('/api/reports/plan-review?format=docx&stage=mid');
    expect(href('终期评估（Word）')).toBe('/api/reports/plan-review?format=docx&stage=final');
    expect(page).toContain('规划中期评估/终期评估（全部督导周期）');
    expect(
      links.filter(([url]) => url.startsWith('/api/reports/plan-review?format=')).map(([, t]) => t),
    ).toEqual(['CSV', 'XLSX', 'HTML', '中期评估（Word）', '终期评估（Word）']);
  });

  it('offers the 通报 of the chosen cycle in Word, and no Word document for reports without one', () => {
    expect(page).toMatch(/data-docx="assessment"/);
    expect(links.find(([url]) => url.includes('assessment') && url.includes('docx'))?.[0]).toBe(
      '/api/reports/assessment?cycle=c2017&format=docx',
    );
    const docx = links.filter(([url]) => url.includes('format=docx')).map(([url]) => url.split('?')[0]);
    expect(docx).toEqual(['/api/reports/assessment', '/api/reports/plan-review', '/api/reports/plan-review']);
  });
});
