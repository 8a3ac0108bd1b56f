import type { RecordedEvent } from '../../db/event-store';
import type { CycleListRow } from '../../api/services/cycles';
import type { Verdict } from '../../api/services/audit';
import { describeEvent } from '../../audit/describe';
import { reportTitles, type ReportName } from '../../api/services/reports';
import { roleLabel } from '../../domain/principal';
import { dateTime, html, type Html } from '../html';
import { cyclePicker } from './inspector';

export interface AuditorPage {
  cycles: CycleListRow[];
  cycleId: string | null;
  projects: { projectId: string; done: boolean }[];
  itemId: string | null;
  timeline: { title: string; events: RecordedEvent[]; verdict: Verdict | null } | null;
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
  const v = t.verdict;
  return html`<section id="timeline" data-live>
    <h2>${t.title}</h2>
    ${
      v
        ? html`<p class="verdict ${v.ok ? 'ok' : 'broken'}" data-verdict>
            ${
              v.ok
                ? `校验通过：${v.events} 条事件${v.checked === 'history' ? '与 Temporal 执行历史一致，' : '（执行历史不可用，仅校验日志）'}哈希链完整${v.lastHash ? `，末端哈希 ${v.lastHash.slice(0, 16)}…` : ''}`
                : `校验失败：${v.findings.join('；')}`
            }
          </p>`
        : html`<p class="empty">暂无事件。</p>`
    }
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
        ${t.events.map((e) => {
          const d = describeEvent(e);
          return html`<tr data-event="${e.type}">
            <td>${e.seq}</td>
            <td>${dateTime(e.at)}</td>
            <td>${d.label}</td>
            <td>${roleLabel[e.actor.role]}${d.unit ? `·${d.unit}` : ''}（${e.actor.userId}）</td>
            <td>${d.detail} ${d.evidence.map((x) => evidenceLink(x))}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </section>`;
}

/** Evidence as describeEvent gives it (`<ref> sha256:<hash>`): a download link when stored here. */
function evidenceLink(text: string): Html {
  const hash = /sha256:([0-9a-f]{64})/.exec(text)?.[1];
  return hash
    ? html`<br /><a href="/api/evidence/${hash}">佐证材料 ${hash.slice(0, 12)}…</a>`
    : html`<br />${text}`;
}
