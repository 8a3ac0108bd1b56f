import type { RecordedEvent } from '../../db/event-store';
import type { CycleListRow } from '../../app/cycles';
import type { CycleCheck, Verdict } from '../../app/audit';
import { hasDocument, reportTitles, type ReportName } from '../../app/reports';
import { html, type Html } from '../html';
import { cyclePicker } from './inspector';
import { eventTable } from '../event-table';

export interface AuditorPage {
  cycles: CycleListRow[];
  cycleId: string | null;
  projects: { projectId: string; done: boolean }[];
  itemId: string | null;
  timeline: { title: string; events: RecordedEvent[]; verdict: Verdict | null } | null;
}

/** The official documents (Word) of a report: the 通报, and the plan review at either stage. */
function documentLinks(name: ReportName, url: (query: string) => string): Html | string {
  if (!hasDocument(name)) return '';
  if (name !== 'plan-review')
    return html`<a href="${url('format=docx')}" download data-docx="${name}">Word 公文</a>`;
  return html`<a href="${url('format=docx&stage=mid')}" download data-docx="plan-review-mid"
      >中期评估（Word）</a
    >
    ·
    <a href="${url('format=docx&stage=final')}" download data-docx="plan-review-final">终期评估（Word）</a>`;
}

export function auditorBody(p: AuditorPage): Html {
  const q = (extra: string) => `/auditor?cycle=${encodeURIComponent(p.cycleId ?? '')}${extra}`;
  return html`<nav class="quick no-print" aria-label="审计入口">
      <a href="/board${p.cycleId ? `?cycle=${encodeURIComponent(p.cycleId)}` : ''}">督导看板（只读）</a> ·
      <a href="/instructions">领导批示（只读）</a>
    </nav>
    ${cyclePicker(p.cycles, p.cycleId, '/auditor')}
    ${
      p.cycleId
        ? html`<section id="reports">
              <h2>报表下载</h2>
              <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可横向滚动）">
                <table>
                  ${(Object.keys(reportTitles) as ReportName[]).map((name) => {
                    // The plan review covers the plan over every cycle; the other reports the chosen one.
                    const url = (query: string) =>
                      name === 'plan-review'
                        ? `/api/reports/${name}?${query}`
                        : `/api/reports/${name}?cycle=${encodeURIComponent(p.cycleId!)}&${query}`;
                    return html`<tr>
                      <td>${reportTitles[name]}${name === 'plan-review' ? '（全部督导周期）' : ''}</td>
                      ${(['csv', 'xlsx', 'html'] as const).map(
                        (f) => html`<td><a href="${url(`format=${f}`)}" download>${f.toUpperCase()}</a></td>`,
                      )}
                      <td>${documentLinks(name, url)}</td>
                    </tr>`;
                  })}
                </table>
              </div>
            </section>
            <section id="audit-check">
              <h2>审计核对</h2>
              <p class="hint">
                用当前代码回放本周期全部 Temporal 执行历史，并逐条核对事件日志与哈希链；只读，不改变任何记录。
              </p>
              <p>
                <button
                  type="button"
                  data-audit-check="/auditor/check?cycle=${encodeURIComponent(p.cycleId)}"
                >
                  核对本周期
                </button>
                <a href="/auditor/bundle?cycle=${encodeURIComponent(p.cycleId)}" download
                  >下载离线审计包（.tar.gz，解压后可用 dudao audit verify --from 目录 离线核对）</a
                >
              </p>
              <p data-audit-progress hidden><progress max="1" value="0"></progress> <span></span></p>
              <div data-audit-verdict aria-live="polite"></div>
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
    ${eventTable(t.events, { forAuditor: true })}
  </section>`;
}

/** The verdict of checking a whole cycle from the page (`app/audit.ts` checkCycle). */
export function cycleCheckVerdict(c: CycleCheck): Html {
  return html`<p class="verdict ${c.agrees ? 'ok' : 'broken'}" data-cycle-verdict>
      ${
        c.agrees
          ? `核对通过：${c.workflows} 个工作流（${c.runs} 次运行）用当前代码回放全部一致；${c.events} 条事件与执行历史相符，哈希链完整。`
          : `核对发现问题：${c.nondeterministic.length} 次运行回放不一致，${c.disagreements.length} 个流与事件日志不符。`
      }
    </p>
    ${
      c.nondeterministic.length
        ? html`<ul>
            ${c.nondeterministic.map(
              (n) =>
                html`<li>${n.workflowId}（运行 ${n.runId.slice(0, 8)}）：${n.divergence.split('\n')[0]}</li>`,
            )}
          </ul>`
        : ''
    }
    ${
      c.disagreements.length
        ? html`<ul>
            ${c.disagreements.map((d) => html`<li>${d.streamId}：${d.findings.join('；')}</li>`)}
          </ul>`
        : ''
    }`;
}
