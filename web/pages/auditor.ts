import type { RecordedEvent } from '../../db/event-store';
import type { CycleListRow } from '../../api/services/cycles';
import type { Verdict } from '../../api/services/audit';
import { reportTitles, type ReportName } from '../../api/services/reports';
import { roleLabel } from '../../domain/principal';
import { dateTime, html, type Html } from '../html';
import { eventText } from '../labels';
import { cyclePicker } from './inspector';

export interface AuditorPage {
  cycles: CycleListRow[];
  cycleId: string | null;
  projects: { projectId: string; done: boolean }[];
  itemId: string | null;
  timeline: { title: string; events: RecordedEvent[]; verdict: Verdict } | null;
}

export function auditorBody(p: AuditorPage): Html {
  const q = (extra: string) => `/auditor?cycle=${encodeURIComponent(p.cycleId ?? '')}${extra}`;
  return html`${cyclePicker(p.cycles, p.cycleId, '/auditor')}
  ${
    p.cycleId
      ? html`<section id="reports">
            <h2>报表下载</h2>
            <table>
              ${(Object.keys(reportTitles) as ReportName[]).map(
                (name) =>
                  html`<tr>
                    <td>${reportTitles[name]}</td>
                    ${(['csv', 'xlsx', 'html'] as const).map(
                      (f) =>
                        html`<td>
                          <a
                            href="/api/reports/${name}?cycle=${encodeURIComponent(p.cycleId!)}&format=${f}"
                            download
                            >${f.toUpperCase()}</a
                          >
                        </td>`,
                    )}
                  </tr>`,
              )}
            </table>
          </section>
          <section id="projects" data-live>
            <h2>项目</h2>
            <a href="${q('')}" class="${p.itemId ? '' : 'current'}">周期时间线</a>
            ${p.projects.map(
              (x) =>
                html` ·
                  <a
                    href="${q(`&item=${encodeURIComponent(x.projectId)}`)}"
                    class="${x.projectId === p.itemId ? 'current' : ''}"
                    >${x.projectId}${x.done ? '（已办结）' : ''}</a
                  >`,
            )}
          </section>`
      : html`<p class="empty">请选择一个督导周期。</p>`
  }
  ${p.timeline ? timelineSection(p.timeline) : ''}`;
}

function timelineSection(t: NonNullable<AuditorPage['timeline']>): Html {
  return html`<section id="timeline" data-live>
    <h2>${t.title}</h2>
    <p class="verdict ${t.verdict.ok ? 'ok' : 'broken'}" data-verdict>
      ${
        t.verdict.ok
          ? `校验通过：${t.verdict.events} 条事件的哈希链完整${t.verdict.lastHash ? `，末端哈希 ${t.verdict.lastHash.slice(0, 16)}…` : ''}`
          : `校验失败：第 ${t.verdict.brokenAt?.seq} 条事件（${t.verdict.brokenAt?.eventId}）${t.verdict.brokenAt?.reason}`
      }
    </p>
    <table>
      <thead>
        <tr>
          <th>序号</th>
          <th>规划时间</th>
          <th>事件</th>
          <th>操作人</th>
          <th>内容</th>
        </tr>
      </thead>
      <tbody>
        ${t.events.map(
          (e) =>
            html`<tr data-event="${e.type}">
              <td>${e.seq}</td>
              <td>${dateTime(e.at)}</td>
              <td>${eventText[e.type] ?? e.type}</td>
              <td>
                ${roleLabel[e.actor.role]}${e.actor.unit ? `·${e.actor.unit}` : ''}（${e.actor.userId}）
              </td>
              <td><small>${summary(e)}</small></td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/** The fields of an event a person reads, without the bulky ones (milestone plans, targets). */
function summary(e: RecordedEvent): string {
  const d = e.data as Record<string, unknown>;
  return Object.entries(d)
    .filter(([k]) => !['milestones', 'targets', 'items', 'policy', 'scope', 'itemIds'].includes(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('；')
    .slice(0, 300);
}
