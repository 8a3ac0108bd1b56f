import type { PlanItem } from '../../domain/plan';
import type { BoardRow } from '../../api/services/projects';
import type { CycleListRow } from '../../api/services/cycles';
import type { escalations, reviewQueue } from '../../api/routes/work';
import { day, html, type Html } from '../html';
import { rag } from '../layout';
import { cycleStatusText, phaseText, ragText } from '../labels';

export interface InspectorPage {
  cycles: CycleListRow[];
  cycleId: string | null;
  plan: { planId: number; version: number; title: string; items: PlanItem[]; units: string[] } | null;
  board: BoardRow[];
  queue: ReturnType<typeof reviewQueue>;
  escalations: ReturnType<typeof escalations>;
}

export const cyclePicker = (cycles: CycleListRow[], current: string | null, base: string): Html =>
  html`<nav class="cycles">
    督导周期：${cycles.length === 0 ? '暂无' : ''}
    ${cycles.map(
      (c) =>
        html`<a
          href="${base}?cycle=${encodeURIComponent(c.cycleId)}"
          class="${c.cycleId === current ? 'current' : ''}"
          >${c.cycleId}（${cycleStatusText[c.status] ?? c.status}）</a
        >`,
    )}
  </nav>`;

export function inspectorBody(p: InspectorPage): Html {
  return html`${cyclePicker(p.cycles, p.cycleId, '/inspector')}
    <div class="grid">
      <section id="board" data-live>
        <h2>督导看板${p.cycleId ? `（${p.cycleId}）` : ''}</h2>
        ${
          p.board.length === 0
            ? html`<p class="empty">该周期暂无进行中的项目。</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th>编号</th>
                    <th>项目</th>
                    <th>牵头单位</th>
                    <th>状态灯</th>
                    <th>节点</th>
                  </tr>
                </thead>
                <tbody>
                  ${p.board.map(
                    (r) =>
                      html`<tr data-project="${r.itemId}">
                        <td>${r.itemId}</td>
                        <td>${r.title}</td>
                        <td>${r.leadUnit}</td>
                        <td>${rag(r.rag, ragText[r.rag])} <small>${r.ragReason}</small></td>
                        <td>
                          ${r.milestones.map(
                            (m) =>
                              html`<div>
                                ${rag(m.rag, ragText[m.rag])} ${m.text.slice(0, 30)} · 期限 ${day(m.dueAt)} ·
                                ${phaseText[m.phase] ?? m.phase}
                              </div>`,
                          )}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>
      <section id="queue" data-live>
        <h2>待审核报告</h2>
        ${p.queue.reports.length === 0 ? html`<p class="empty">暂无待审核的报告。</p>` : ''}
        ${p.queue.reports.map(
          (r) =>
            html`<article class="card" data-review="${r.milestoneId}">
              <h3>${r.title} · ${r.milestoneId}</h3>
              <p>牵头单位：${r.leadUnit} · 第${r.round}轮 · ${r.late ? '逾期报送' : '按时报送'}</p>
              <p class="narrative">${r.narrative}</p>
              <ul>
                ${r.values.map((v) => html`<li>${v.label}：${v.value}</li>`)}
                ${r.evidence.map(
                  (e) => html`<li>佐证：<a href="/api/evidence/${e.sha256}">${e.name ?? e.ref}</a></li>`,
                )}
              </ul>
              <form data-action="/api/actions/approve">
                <input type="hidden" name="cycleId" value="${r.cycleId}" />
                <input type="hidden" name="milestoneId" value="${r.milestoneId}" />
                <label>审核意见 <textarea name="comment" rows="2"></textarea></label>
                <button type="submit">审核通过</button>
                <button type="submit" data-action-override="/api/actions/return" class="secondary">
                  退回重办
                </button>
              </form>
            </article>`,
        )}
        <h2>延期申请</h2>
        ${p.queue.extensions.length === 0 ? html`<p class="empty">暂无待审批的延期申请。</p>` : ''}
        ${p.queue.extensions.map(
          (x) =>
            html`<article class="card" data-extension="${x.requestId}">
              <h3>${x.title} · ${x.requestId}</h3>
              <p>${x.unit} 申请将期限由 ${day(x.dueAt)} 延至 ${day(x.requestedDueAt)}：${x.reason}</p>
              <form data-action="/api/actions/decide-extension">
                <input type="hidden" name="cycleId" value="${x.cycleId}" />
                <input type="hidden" name="requestId" value="${x.requestId}" />
                <label>审批意见 <input name="comment" /></label>
                <button type="submit" name="grant" value="true" data-type="bool">同意</button>
                <button type="submit" name="grant" value="false" data-type="bool" class="secondary">
                  不同意
                </button>
              </form>
            </article>`,
        )}
      </section>
      <section id="escalations" data-live>
        <h2>督办清单</h2>
        ${
          p.escalations.length === 0
            ? html`<p class="empty">暂无督办事项。</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th>项目</th>
                    <th>节点</th>
                    <th>单位</th>
                    <th>督办级别</th>
                    <th>期限</th>
                    <th>原因</th>
                  </tr>
                </thead>
                <tbody>
                  ${p.escalations.map(
                    (e) =>
                      html`<tr>
                        <td>${e.title}</td>
                        <td>${e.milestoneId}</td>
                        <td>${e.unit}</td>
                        <td>${e.level}级</td>
                        <td>${day(e.dueAt)}</td>
                        <td>${e.reason}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>
    </div>
    ${p.cycleId && p.cycles.find((c) => c.cycleId === p.cycleId)?.status === 'RUNNING' ? cycleForms(p.cycleId) : ''}
    ${startForm(p.plan)}`;
}

/** Extending or cancelling the selected cycle (the workflow re-checks that the actor is 督导处). */
function cycleForms(cycleId: string): Html {
  return html`<section id="cycle-actions">
    <h2>调整本周期（${cycleId}）</h2>
    <form data-action="/api/cycles/${encodeURIComponent(cycleId)}/extend" class="inline">
      <label>新的报送截止 <input type="date" name="submissionDueAt" required /></label>
      <label>新的审核截止（可选） <input type="date" name="reviewDueAt" /></label>
      <label>原因 <input name="reason" required /></label>
      <button type="submit">延长周期</button>
    </form>
    <form data-action="/api/cycles/${encodeURIComponent(cycleId)}/cancel" class="inline">
      <label>撤销原因 <input name="reason" required /></label>
      <button type="submit" class="secondary">撤销周期</button>
    </form>
  </section>`;
}

function startForm(plan: InspectorPage['plan']): Html {
  if (!plan)
    return html`<section>
      <h2>发起督导周期</h2>
      <p class="empty">数据库中还没有规划，请先用 dudao plan import 导入。</p>
    </section>`;
  const majors = plan.items.filter((i) => i.kind === 'major_project' && i.units.length > 0);
  return html`<section id="start">
    <h2>发起督导周期</h2>
    <p>规划：${plan.title}（第 ${plan.version} 版）</p>
    <form data-action="/api/cycles" data-after="cycle">
      <input type="hidden" name="planId" value="${plan.planId}" data-type="number" />
      <input type="hidden" name="planVersion" value="${plan.version}" data-type="number" />
      <label>周期名称 <input name="name" required placeholder="例如 2017年度重大项目专项督导" /></label>
      <label>周期编号（可选） <input name="cycleId" placeholder="例如 2017-major" /></label>
      <fieldset>
        <legend>周期窗口</legend>
        <label>年度 <input name="year" type="number" min="2000" max="2100" data-type="number" /></label>
        <p class="hint">或给出起止日期（填写后以日期为准）：</p>
        <label>开始 <input name="window.opensAt" type="date" /></label>
        <label>报送截止 <input name="window.submissionDueAt" type="date" /></label>
        <label>审核截止 <input name="window.reviewDueAt" type="date" /></label>
      </fieldset>
      <fieldset>
        <legend>范围</legend>
        <label
          ><input type="checkbox" name="scope.kinds" value="major_project" data-type="list" checked />
          重大项目</label
        >
        <label
          ><input type="checkbox" name="scope.kinds" value="indicator" data-type="list" /> 主要指标</label
        >
        <label><input type="checkbox" name="scope.kinds" value="task" data-type="list" /> 任务</label>
        <label
          >责任单位（可多选，不选为全部）
          <select name="scope.units" multiple data-type="list" size="4">
            ${plan.units.map((u) => html`<option value="${u}">${u}</option>`)}
          </select>
        </label>
        <details>
          <summary>只选部分重大项目（不选为范围内全部）</summary>
          ${majors.map(
            (i) =>
              html`<label class="item"
                ><input type="checkbox" name="scope.itemIds" value="${i.id}" data-type="list" /> ${i.id}
                ${i.title ?? i.text.slice(0, 40)}（${i.units.join('、')}）</label
              >`,
          )}
        </details>
      </fieldset>
      <fieldset>
        <legend>督办规则</legend>
        <label
          >退回几次后升级督办
          <input name="policy.maxReturns" type="number" min="1" value="2" data-type="number"
        /></label>
        <label
          >考核口径
          <select name="policy.scoringBaseline">
            <option value="original">按原定时间考核</option>
            <option value="operational">按延期后时间考核</option>
          </select>
        </label>
        <label
          >演练日历（每个规划年压缩为多少秒，可选）
          <input name="drill.yearSeconds" type="number" min="1" data-type="number"
        /></label>
      </fieldset>
      <button type="submit">发起督导周期</button>
    </form>
  </section>`;
}
