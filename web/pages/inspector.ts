import type { PlanItem } from '../../domain/plan';
import type { CycleListRow } from '../../app/cycles';
import type { BoardEntry, escalations, reviewQueue } from '../../app/views';
import {
  cycleStatusText,
  milestoneLabel,
  phaseText,
  projectStatusLabel,
  ragText,
  stuckText,
  calendarGapText,
} from '../../domain/labels';
import { day, html, type Html } from '../html';
import { rag } from '../layout';
import { clip, humanizeIds } from '../text';
import { dateInput } from '../fields';

export interface InspectorPage {
  cycles: CycleListRow[];
  cycleId: string | null;
  plan: { planId: number; version: number; title: string; items: PlanItem[]; units: string[] } | null;
  board: BoardEntry[];
  queue: ReturnType<typeof reviewQueue>;
  escalations: ReturnType<typeof escalations>;
  /** The administrator looks without acting: no forms. */
  readOnly: boolean;
}

/** The cycle picker: running and finished cycles alike, so a finished cycle stays browsable. */
export const cyclePicker = (cycles: CycleListRow[], current: string | null, base: string): Html =>
  html`<nav class="cycles" aria-label="督导周期">
    <span>督导周期：</span>${cycles.length === 0 ? '暂无' : ''}
    ${cycles.map(
      (c) =>
        html`<a
          href="${base}?cycle=${encodeURIComponent(c.cycleId)}"
          class="${c.cycleId === current ? 'current' : ''}"
          ${c.cycleId === current ? html`aria-current="page"` : ''}
          >${c.cycleId}（${cycleStatusText[c.status] ?? c.status}）</a
        >`,
    )}
  </nav>`;

const RAG_ORDER = { red: 0, amber: 1, green: 2 } as const;
const statusText = (s: string) => projectStatusLabel[s as keyof typeof projectStatusLabel] ?? s;
export const projectHref = (cycleId: string, itemId: string) =>
  `/projects/${encodeURIComponent(cycleId)}/${encodeURIComponent(itemId)}`;

/** The milestone that needs attention now: the first open one, else the last. */
const currentMilestone = (r: BoardEntry) =>
  r.milestones.find((m) => m.phase === 'assigned' || m.phase === 'returned' || m.phase === 'submitted') ??
  r.milestones.at(-1);

function tiles(p: InspectorPage): Html {
  const count = (c: 'red' | 'amber' | 'green') => p.board.filter((r) => r.rag === c).length;
  const tile = (label: string, n: number, cls: string, filter: string) =>
    html`<li class="tile ${cls}">
      <button type="button" data-tile-filter="${filter}" aria-label="${label} ${n} 项，点击筛选">
        <span class="n">${n}</span><span class="label">${label}</span>
      </button>
    </li>`;
  return html`<ul class="tiles" id="tiles" data-live>
    ${tile('项目总数', p.board.length, 'total', '')} ${tile('红灯', count('red'), 'red', 'rag=red')}
    ${tile('黄灯', count('amber'), 'amber', 'rag=amber')}
    ${tile('绿灯', count('green'), 'green', 'rag=green')}
    ${tile(
      '逾期节点',
      p.board.reduce((n, r) => n + r.overdue, 0),
      'overdue',
      'overdue=1',
    )}
    ${tile(
      '待审核/审批',
      p.queue.reports.length + p.queue.extensions.length + p.queue.closures.length,
      'review',
      'review=1',
    )}
    ${tile('督办中', p.escalations.length, 'escalated', 'escalated=1')}
  </ul>`;
}

function filters(p: InspectorPage): Html {
  const units = [...new Set(p.board.flatMap((r) => [r.leadUnit, ...r.coUnits]))].sort();
  const sections = [...new Set(p.board.map((r) => r.section).filter(Boolean))].sort();
  const statuses = [...new Set(p.board.map((r) => r.status))];
  const select = (name: string, label: string, options: [string, string][]) =>
    html`<label
      >${label}
      <select data-filter="${name}">
        <option value="">全部</option>
        ${options.map(([v, t]) => html`<option value="${v}">${t}</option>`)}
      </select></label
    >`;
  return html`<form class="filters" data-board-filters role="search" aria-label="筛选督导看板">
    ${select(
      'unit',
      '单位',
      units.map((u) => [u, u]),
    )}
    ${select('rag', '状态灯', [
      ['red', '红灯'],
      ['amber', '黄灯'],
      ['green', '绿灯'],
    ])}
    ${select(
      'status',
      '项目状态',
      statuses.map((s) => [s, statusText(s)]),
    )}
    ${select(
      'section',
      '规划板块',
      sections.map((s) => [s, s]),
    )}
    <label>关键词 <input type="search" data-filter="text" placeholder="编号或项目名称" /></label>
    <label
      >排序
      <select data-sort-select>
        <option value="id:text">按编号</option>
        <option value="rag:number">按状态灯（红灯在前）</option>
        <option value="due:text">按节点期限</option>
        <option value="lead:text">按牵头单位</option>
      </select></label
    >
    <button type="reset" class="secondary">清除筛选</button>
    <span class="hint" data-filter-count aria-live="polite"></span>
  </form>`;
}

function boardTable(p: InspectorPage): Html {
  if (p.board.length === 0)
    return html`<p class="empty">
      ${p.cycleId ? '该周期没有督办项目（可能刚刚发起，请稍候刷新）。' : '请先选择或发起一个督导周期。'}
    </p>`;
  const escalated = new Set(p.escalations.map((e) => e.itemId));
  const inReview = new Set(
    [...p.queue.reports, ...p.queue.extensions, ...p.queue.closures].map((r) => r.itemId),
  );
  const th = (label: string, key: string, type = 'text') =>
    html`<th scope="col" aria-sort="none">
      <button type="button" class="sort" data-sort="${key}" data-sort-type="${type}">${label}</button>
    </th>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="表格（可横向滚动）">
    <table class="board" data-board>
      <caption class="sr-only">
        督导看板，点击列标题排序
      </caption>
      <thead>
        <tr>
          ${th('编号', 'id')} ${th('项目', 'title')} ${th('牵头单位', 'lead')}
          ${th('状态灯', 'rag', 'number')} ${th('项目状态', 'status')} ${th('当前节点', 'due')}
          <th scope="col">配合单位</th>
        </tr>
      </thead>
      <tbody>
        ${p.board.map((r) => {
          const m = currentMilestone(r);
          return html`<tr
            data-project="${r.itemId}"
            data-unit="${[r.leadUnit, ...r.coUnits].join('|')}"
            data-rag="${r.rag}"
            data-status="${r.status}"
            data-section="${r.section}"
            data-overdue="${r.overdue > 0 ? '1' : '0'}"
            data-review="${inReview.has(r.itemId) ? '1' : '0'}"
            data-escalated="${escalated.has(r.itemId) ? '1' : '0'}"
            data-text="${r.itemId} ${r.title}"
          >
            <td data-key="id" data-value="${r.itemId}" data-label="编号">${r.itemId}</td>
            <td data-key="title" data-value="${r.title}" class="title" data-label="项目">
              <a href="${projectHref(r.cycleId, r.itemId)}">${clip(r.title, 48)}</a>${
                r.stuck ? html` <small class="stuck">⚠ ${stuckText[r.stuck.problem]}</small>` : ''
              }
              ${r.section ? html`<br /><small class="hint">${clip(r.section, 24)}</small>` : ''}
            </td>
            <td data-key="lead" data-value="${r.leadUnit}" class="unit" data-label="牵头单位">
              ${r.leadUnit}
            </td>
            <td data-key="rag" data-value="${RAG_ORDER[r.rag]}" class="rag-cell" data-label="状态灯">
              ${rag(r.rag, ragText[r.rag])}
              <small class="reason">${clip(humanizeIds(r.ragReason), 40)}</small>
            </td>
            <td data-key="status" data-value="${r.status}" data-label="项目状态">${statusText(r.status)}</td>
            <td data-key="due" data-value="${m?.dueAt ?? ''}" data-label="当前节点">
              ${
                m
                  ? html`${milestoneLabel(m.milestoneId).replace(`${r.itemId} `, '')} ·
                      ${phaseText[m.phase] ?? m.phase} <br /><small
                        >期限
                        ${day(m.dueAt)}${r.overdue > 0 ? html` · <strong class="late">已逾期</strong>` : ''}${
                          m.calendarGap
                            ? html` ·
                                <span class="calendar-gap" title="${calendarGapText(m.calendarGap)}"
                                  >⚠ ${m.calendarGap} 年日历未录入</span
                                >`
                            : ''
                        }</small
                      >`
                  : '—'
              }
            </td>
            <td class="unit" data-label="配合单位">${r.coUnits.join('、') || '—'}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

/** The reported values against their targets, side by side. */
export function valuesAgainstTargets(
  targets: { metric: string; op: string; value: number; unit?: string | null | undefined }[],
  values: { targetIndex: number; value: number }[],
): Html {
  if (targets.length === 0 && values.length === 0) return html``;
  return html`<table class="targets">
    <thead>
      <tr>
        <th scope="col">指标</th>
        <th scope="col">目标</th>
        <th scope="col">报送值</th>
      </tr>
    </thead>
    <tbody>
      ${targets.map((t, i) => {
        const v = values.find((x) => x.targetIndex === i);
        return html`<tr>
          <td>${t.metric}</td>
          <td>${opText[t.op] ?? t.op} ${t.value}${t.unit ?? ''}</td>
          <td>${v ? `${v.value}${t.unit ?? ''}` : '未报'}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}
export const opText: Record<string, string> = {
  '>=': '≥',
  '>': '>',
  '<=': '≤',
  '<': '<',
  '=': '达到',
  '≈': '约',
};

/** A form the workspace sends as JSON after asking to confirm; a refusal shows inside it. */
export const actionForm = (action: string, confirm: string, body: Html, cls = ''): Html =>
  html`<form data-action="${action}" data-confirm="${confirm}" class="${cls}">
    ${body}
    <p class="form-result" data-form-result role="alert"></p>
  </form>`;

/** Approve or return a submitted report: the queue's card and the project page share it. */
export function reviewForm(cycleId: string, milestoneId: string): Html {
  return actionForm(
    '/api/actions/approve',
    '确认审核通过该报告？',
    html`<input type="hidden" name="cycleId" value="${cycleId}" />
      <input type="hidden" name="milestoneId" value="${milestoneId}" />
      <label>审核意见 <textarea name="comment" rows="2"></textarea></label>
      <button type="submit">审核通过</button>
      <button
        type="submit"
        data-action-override="/api/actions/return"
        data-confirm-override="确认退回重办？退回须填写审核意见。"
        class="secondary"
      >
        退回重办
      </button>`,
  );
}

function queueSection(p: InspectorPage): Html {
  const byId = new Map(p.board.map((r) => [r.itemId, r]));
  return html`<section id="queue" data-live>
    <h2>待审核报告（${p.queue.reports.length}）</h2>
    ${p.queue.reports.length === 0 ? html`<p class="empty">暂无待审核的报告。</p>` : ''}
    <div class="cards">
      ${p.queue.reports.map((r) => {
        const m = byId.get(r.itemId)?.milestones.find((x) => x.milestoneId === r.milestoneId);
        return html`<article class="card" data-review="${r.milestoneId}">
          <h3>
            <a href="${projectHref(r.cycleId, r.itemId)}">${clip(r.title, 40)}</a> ·
            ${milestoneLabel(r.milestoneId)}
          </h3>
          <p>牵头单位：${r.leadUnit} · 第${r.round}轮 · ${r.late ? '逾期报送' : '按时报送'}</p>
          <p class="narrative">${r.narrative}</p>
          ${m?.submission ? valuesAgainstTargets(m.targets, m.submission.values) : ''}
          ${
            r.evidence.length
              ? html`<p>
                  佐证材料：${r.evidence.map(
                    (e) => html`<a href="/api/evidence/${e.sha256}">${e.name ?? e.ref}</a> `,
                  )}
                </p>`
              : html`<p class="hint">未附佐证材料。</p>`
          }
          ${p.readOnly ? '' : reviewForm(r.cycleId, r.milestoneId)}
        </article>`;
      })}
    </div>
    <h2>延期申请（${p.queue.extensions.length}）</h2>
    ${p.queue.extensions.length === 0 ? html`<p class="empty">暂无待审批的延期申请。</p>` : ''}
    <div class="cards">${p.queue.extensions.map((x) => extensionCard(x, p.readOnly))}</div>
    <h2>办结申请（${p.queue.closures.length}）</h2>
    ${p.queue.closures.length === 0 ? html`<p class="empty">暂无待审批的办结申请。</p>` : ''}
    <div class="cards">${p.queue.closures.map((x) => closureCard(x, p.readOnly))}</div>
  </section>`;
}

/** A 办结申请 as 督导处 decides it: the queue's card and the project page share it. */
export function closureCard(x: InspectorPage['queue']['closures'][number], readOnly: boolean): Html {
  return html`<article class="card" data-closure="${x.itemId}/${x.requestId}">
    <h3>
      <a href="${projectHref(x.cycleId, x.itemId)}">${clip(x.title, 40)}</a> ·
      ${milestoneLabel(`${x.itemId}/${x.requestId}`)}
    </h3>
    <p>${x.unit} 申请提前办结。销号后以下未办结节点按已达标办结：</p>
    <ul>
      ${x.openMilestones.map(
        (m) => html`<li>${milestoneLabel(m.milestoneId)}：${clip(m.text, 60)}（期限 ${day(m.dueAt)}）</li>`,
      )}
    </ul>
    <p class="narrative">${x.narrative}</p>
    ${
      x.evidence.length
        ? html`<p>
            佐证材料：${x.evidence.map((e) => html`<a href="/api/evidence/${e.sha256}">${e.name ?? e.ref}</a> `)}
          </p>`
        : html`<p class="hint">未附佐证材料。</p>`
    }
    ${
      readOnly
        ? ''
        : actionForm(
            '/api/actions/decide-closure',
            '确认同意销号？未办结的节点将按已达标办结，项目随之办结。',
            html`<input type="hidden" name="cycleId" value="${x.cycleId}" />
              <input type="hidden" name="itemId" value="${x.itemId}" />
              <input type="hidden" name="requestId" value="${x.requestId}" />
              <label>审批意见（不同意时必填） <input name="comment" /></label>
              <button type="submit" name="confirm" value="true" data-type="bool">同意销号</button>
              <button
                type="submit"
                name="confirm"
                value="false"
                data-type="bool"
                data-confirm-override="确认不同意办结申请？不同意须填写理由。"
                class="secondary"
              >
                不同意
              </button>`,
          )
    }
  </article>`;
}

export function extensionCard(x: InspectorPage['queue']['extensions'][number], readOnly: boolean): Html {
  return html`<article class="card" data-extension="${x.requestId}">
    <h3>${clip(x.title, 40)} · ${milestoneLabel(x.requestId)}</h3>
    <p>${x.unit} 申请将期限由 ${day(x.dueAt)} 延至 <strong>${day(x.requestedDueAt)}</strong>：${x.reason}</p>
    ${
      readOnly
        ? ''
        : actionForm(
            '/api/actions/decide-extension',
            '确认提交延期审批决定？',
            html`<input type="hidden" name="cycleId" value="${x.cycleId}" />
              <input type="hidden" name="requestId" value="${x.requestId}" />
              <label>审批意见 <input name="comment" /></label>
              <label>批准延至（可选，不填按申请日期） ${dateInput('newDueAt')}</label>
              <button type="submit" name="grant" value="true" data-type="bool">同意延期</button>
              <button type="submit" name="grant" value="false" data-type="bool" class="secondary">
                不同意
              </button>`,
          )
    }
  </article>`;
}

function escalationSection(p: InspectorPage): Html {
  return html`<section id="escalations" data-live>
    <h2>督办清单（${p.escalations.length}）</h2>
    ${
      p.escalations.length === 0
        ? html`<p class="empty">暂无督办事项。</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="表格（可横向滚动）">
            <table>
              <thead>
                <tr>
                  <th scope="col">项目</th>
                  <th scope="col">节点</th>
                  <th scope="col">单位</th>
                  <th scope="col">督办级别</th>
                  <th scope="col">期限</th>
                  <th scope="col">原因</th>
                </tr>
              </thead>
              <tbody>
                ${p.escalations.map(
                  (e) =>
                    html`<tr>
                      <td><a href="${projectHref(e.cycleId, e.itemId)}">${clip(e.title, 30)}</a></td>
                      <td>${milestoneLabel(e.milestoneId)}</td>
                      <td class="unit">${e.unit}</td>
                      <td>${e.level}级</td>
                      <td>${day(e.dueAt)}</td>
                      <td>${humanizeIds(e.reason)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`;
}

export function inspectorBody(p: InspectorPage): Html {
  const running = p.cycles.find((c) => c.cycleId === p.cycleId)?.status === 'RUNNING';
  return html`${cyclePicker(p.cycles, p.cycleId, p.readOnly ? '/board' : '/inspector')}
    ${
      p.readOnly
        ? ''
        : html`<p class="no-print">
            <a href="/instructions">领导批示办理情况</a> ·
            <a href="/auditor${p.cycleId ? `?cycle=${encodeURIComponent(p.cycleId)}` : ''}#reports"
              >报表与公文下载（考核结果通报、规划中期/终期评估）</a
            >
          </p>`
    }
    ${p.cycleId && !running ? html`<p class="hint">该周期已结束，以下为结束时的状态，仅供查阅。</p>` : ''}
    ${p.readOnly ? html`<p class="hint">管理员只读查看，不能办理。</p>` : ''} ${tiles(p)}
    <section id="board-section">
      <h2>督导看板${p.cycleId ? `（${p.cycleId}）` : ''}</h2>
      ${filters(p)}
      <div id="board" data-live>${boardTable(p)}</div>
      <p class="print-only hint">打印时间以浏览器为准；红黄绿灯按规划时间计算。</p>
    </section>
    <div class="columns">${queueSection(p)} ${escalationSection(p)}</div>
    ${
      p.readOnly || !p.cycleId
        ? ''
        : html`<p class="no-print">
            <a href="/inspector/close-out?cycle=${encodeURIComponent(p.cycleId)}"
              >周期结束清单与整改（未达标事项、整改通知、上期结转整改）</a
            >
          </p>`
    }
    ${!p.readOnly && p.cycleId && running ? cycleForms(p.cycleId) : ''} ${p.readOnly ? '' : startForm(p.plan)}`;
}

/** Extending or cancelling the selected cycle (the workflow re-checks that the actor is 督导处). */
function cycleForms(cycleId: string): Html {
  return html`<section id="cycle-actions" class="no-print">
    <h2>调整本周期（${cycleId}）</h2>
    <div class="columns">
      ${actionForm(
        `/api/cycles/${encodeURIComponent(cycleId)}/extend`,
        '确认延长本周期的报送截止时间？',
        html`<label>新的报送截止 ${dateInput('submissionDueAt', true)}</label>
          <label>新的审核截止（可选） ${dateInput('reviewDueAt')}</label>
          <label>原因 <input name="reason" required /></label>
          <button type="submit">延长周期</button>`,
      )}
      ${actionForm(
        `/api/cycles/${encodeURIComponent(cycleId)}/cancel`,
        '确认撤销整个督导周期？所有进行中的项目将一并撤销，不可恢复。',
        html`<label>撤销原因 <input name="reason" required /></label>
          <button type="submit" class="danger">撤销周期</button>`,
      )}
    </div>
  </section>`;
}

function startForm(plan: InspectorPage['plan']): Html {
  if (!plan)
    return html`<section class="no-print">
      <h2>发起督导周期</h2>
      <p class="empty">
        数据库中还没有规划，请先<a href="/plans">导入规划</a>（或用 dudao plan import 导入）。
      </p>
    </section>`;
  const majors = plan.items.filter((i) => i.kind === 'major_project' && i.units.length > 0);
  return html`<section id="start" class="no-print">
    <h2>发起督导周期</h2>
    <p>规划：${plan.title}（第 ${plan.version} 版）· <a href="/plans">导入规划或修订稿</a></p>
    <form data-action="/api/cycles" data-after="cycle" class="start">
      <input type="hidden" name="planId" value="${plan.planId}" data-type="number" />
      <input type="hidden" name="planVersion" value="${plan.version}" data-type="number" />
      <label
        >周期名称 <input name="name" required size="40" placeholder="如：2017年度重大项目专项督导"
      /></label>
      <label>周期编号（可选） <input name="cycleId" size="16" placeholder="如：2017-major" /></label>
      <fieldset>
        <legend>周期窗口</legend>
        <label>年度 <input name="year" type="number" min="2000" max="2100" data-type="number" /></label>
        <p class="hint">或给出起止日期（填写后以日期为准）：</p>
        <label>开始 ${dateInput('window.opensAt')}</label>
        <label>报送截止 ${dateInput('window.submissionDueAt')}</label>
        <label>审核截止 ${dateInput('window.reviewDueAt')}</label>
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
                ${clip(i.title, 40)}（${i.units.join('、')}）</label
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
      <p class="form-result" data-form-result role="alert"></p>
    </form>
  </section>`;
}
