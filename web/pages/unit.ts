import type { ClosureItem, InboxItem, PeriodItem } from '../../app/views';
import type { CycleListRow } from '../../app/cycles';
import type { UnitNotice } from '../../db/notification-reads';
import { acceptedTypes } from '../../app/evidence';
import { dateTime, day, html, type Html } from '../html';
import { rag } from '../layout';
import {
  calendarGapText,
  milestoneLabel,
  phaseText,
  projectStatusLabel,
  ragText,
  stuckText,
} from '../../domain/labels';
import { cyclePicker, opText, projectHref } from './inspector';
import { clip, humanizeIds } from '../text';
import { dateInput, fileInput } from '../fields';
import { DISPATCH_CYCLE, owedPhrase, type DispatchedShare } from '../../domain/dispatch';

/**
 * 多级下发 on a unit's page: the bodies below it, its shares' reports waiting for its review, and
 * every share still owed from below (which it may withdraw).
 */
export type UnitDispatch = { bodies: string[]; reviews: DispatchedShare[]; outstanding: DispatchedShare[] };

/**
 * The deadline line of a card. A co-unit's own deadline is earlier than the lead's by design
 * (its material feeds the lead's report): that is explained, never shown as an extension.
 */
function deadline(i: InboxItem): Html {
  const due = html`期限 <strong>${day(i.dueAt)}</strong>`;
  if (i.role === 'co')
    return html`${due}<span class="hint"
        >（配合单位须在牵头单位报送前提交材料，牵头单位期限 ${day(i.leadDueAt)}）</span
      >`;
  return i.dueAt !== i.originalDueAt
    ? html`${due}<span class="hint">（已批准延期，原定 ${day(i.originalDueAt)}）</span>`
    : due;
}

/** What a unit's workspace shows: its steps, 定期反馈 periods, led projects, dispatched shares and notices. */
export interface UnitPage {
  unit: string;
  cycles: CycleListRow[];
  cycleId: string | null;
  items: InboxItem[];
  periods: PeriodItem[];
  closures: ClosureItem[];
  notices: UnitNotice[];
  /** The bodies below the unit it may dispatch to, and their reports waiting for its review. */
  dispatch?: UnitDispatch;
}

export function unitBody({
  unit,
  cycles,
  cycleId,
  items,
  periods,
  closures,
  notices,
  dispatch = { bodies: [], reviews: [], outstanding: [] },
}: UnitPage): Html {
  const unread = notices.filter((n) => !n.openedAt).length;
  return html`${cyclePicker(cycles, cycleId, '/unit')}
    <section id="inbox" data-live>
      <h2>${unit}的待办（${items.length}）</h2>
      ${items.length === 0 ? html`<p class="empty">暂无待办事项。</p>` : ''}
      ${byDueDay(items, dispatch.bodies)}
    </section>
    <section id="periods" data-live>
      <h2>定期反馈（待报 ${periods.length} 期）</h2>
      ${periods.length === 0 ? html`<p class="empty">暂无待报的定期反馈。</p>` : ''}
      ${periods.map(periodCard)}
    </section>
    ${
      dispatch.reviews.length || dispatch.bodies.length
        ? html`<section id="dispatch-reviews" data-live>
            <h2>下级单位报告待审核（${dispatch.reviews.length}）</h2>
            <p class="hint">本单位下发给下级单位的任务，由本单位审核其报告。</p>
            ${dispatch.reviews.length === 0 ? html`<p class="empty">暂无待审核的下级单位报告。</p>` : ''}
            ${dispatch.reviews.map(reviewCard)}
            <h3>已下发、尚未办结（${dispatch.outstanding.length}）</h3>
            <p class="hint">下发的任务全部审核通过（或撤回）后，本单位才能向上报送该节点。</p>
            ${dispatch.outstanding.length === 0 ? html`<p class="empty">没有尚未办结的下发任务。</p>` : ''}
            ${dispatch.outstanding.map(outstandingCard)}
          </section>`
        : ''
    }
    <section id="closures" data-live>
      <h2>申请办结（牵头项目 ${closures.length} 个）</h2>
      <p class="hint">牵头的项目已提前全部完成的，可附佐证材料申请办结，由督导处审批销号。</p>
      ${closures.length === 0 ? html`<p class="empty">暂无牵头的督办项目。</p>` : ''}
      ${closures.map(closureCard)}
    </section>
    <section id="notices">
      <h2>催办督办通知（未读 ${unread}）</h2>
      ${notices.length === 0 ? html`<p class="empty">暂无通知。</p>` : ''}
      <ul class="notices">
        ${notices.map(
          (n) =>
            html`<li class="${n.openedAt ? 'read' : 'unread'}" data-notice="${n.notificationId}">
              <a href="/unit/notices/${encodeURIComponent(n.notificationId)}">${n.subject}</a>
              <span class="hint"
                >${dateTime(n.createdAt)}${n.openedAt ? ` · ${dateTime(n.openedAt)} 已读` : ' · 未读'}</span
              >
            </li>`,
        )}
      </ul>
    </section>`;
}

/** The inbox (already soonest first) in groups by the day each step is due. */
function byDueDay(items: InboxItem[], bodies: string[]): Html[] {
  const groups = new Map<string, InboxItem[]>();
  for (const i of items) groups.set(day(i.dueAt), [...(groups.get(day(i.dueAt)) ?? []), i]);
  return [...groups].map(
    ([due, group]) =>
      html`<h3 class="due-group">${due} 到期（${group.length} 项）</h3>
        ${group.map((i) => card(i, bodies))}`,
  );
}

/** A body's report on a share this unit dispatched: approve, or return it with a comment. */
function reviewCard(r: DispatchedShare): Html {
  const milestoneId = `${r.subAssignmentId}/reply`;
  return html`<article class="card" data-dispatch-review="${milestoneId}">
    <h4>${r.body}：${clip(r.text, 60)}</h4>
    <p>
      期限 ${day(r.dueAt)} · 报送 ${r.reportedAt ? day(r.reportedAt) : '—'}${r.reportedLate ? '（逾期）' : ''}
      ${r.values.length ? html` · 报送值 ${r.values.map((v) => `目标${v.targetIndex + 1}=${v.value}`).join('；')}` : ''}
    </p>
    <form data-action="/api/actions/approve" class="inline" data-confirm="确认审核通过？">
      <input type="hidden" name="cycleId" value="${DISPATCH_CYCLE}" />
      <input type="hidden" name="milestoneId" value="${milestoneId}" />
      <button type="submit">审核通过</button>
    </form>
    <details>
      <summary>退回重办</summary>
      <form data-action="/api/actions/return" data-confirm="确认退回重办？">
        <input type="hidden" name="cycleId" value="${DISPATCH_CYCLE}" />
        <input type="hidden" name="milestoneId" value="${milestoneId}" />
        <label>审核意见 <input name="comment" required /></label>
        <button type="submit">退回</button>
      </form>
    </details>
  </article>`;
}

/** A share still owed from below, with its state and the form that withdraws it (撤回下发). */
function outstandingCard(r: DispatchedShare): Html {
  return html`<article class="card" data-outstanding-share="${r.subAssignmentId}">
    <h4>${r.body}：${clip(r.text, 60)}</h4>
    <p>${r.subAssignmentId} · 上级节点 ${r.parentMilestoneId} · 期限 ${day(r.dueAt)} · ${owedPhrase(r)}</p>
    <details>
      <summary>撤回下发</summary>
      <form data-action="/api/actions/withdraw" data-confirm="确认撤回？下级单位将不再需要报送此任务。">
        <input type="hidden" name="subAssignmentId" value="${r.subAssignmentId}" />
        <label>撤回原因 <input name="reason" required /></label>
        <button type="submit">撤回</button>
        <p class="form-result" data-form-result role="alert"></p>
      </form>
    </details>
  </article>`;
}

/** The form that splits a milestone this unit holds among the bodies below it. */
function dispatchForm(i: InboxItem, bodies: string[]): Html {
  return html`<details>
    <summary>下发给下级单位</summary>
    <form data-action="/api/actions/dispatch" data-confirm="确认下发？下级单位将收到任务并按期报送。">
      <input type="hidden" name="cycleId" value="${i.cycleId}" />
      <input type="hidden" name="milestoneId" value="${i.milestoneId}" />
      <label
        >下级单位
        <select name="body" required>
          ${bodies.map((b) => html`<option value="${b}">${b}</option>`)}
        </select></label
      >
      <label>下发要求 <textarea name="text" rows="2" required></textarea></label>
      <label>办理期限（可不填：默认比本节点期限提前5个工作日；只能更早） ${dateInput('deadline')}</label>
      <button type="submit">下发</button>
      <p class="form-result" data-form-result role="alert"></p>
    </form>
  </details>`;
}

/** One notice, as its unit opens it (the opening is recorded as the read receipt). */
export function noticeBody(n: UnitNotice): Html {
  return html`<article class="card" data-notice-open="${n.notificationId}">
      <h2>${n.subject}</h2>
      <p>${n.body}</p>
      <p class="hint">
        项目 ${n.projectId ?? '—'} · 节点 ${n.milestoneId ?? '—'} · 期限 ${n.dueAt ? day(n.dueAt) : '—'} ·
        发出 ${dateTime(n.createdAt)} · 首次查阅 ${n.openedAt ? dateTime(n.openedAt) : '—'}
      </p>
    </article>
    <p><a href="/unit">返回待办</a></p>`;
}

/** One open 定期反馈 period: due (or overdue until it counts as missed), with its report form. */
function periodCard(p: PeriodItem): Html {
  return html`<article class="card ${p.overdue ? 'rag-border-red' : ''}" data-period="${p.periodId}">
    <h4><a href="${projectHref(p.cycleId, p.itemId)}">${clip(p.title, 60)}</a></h4>
    <p>
      定期反馈·${p.label} · 期限 <strong>${day(p.dueAt)}</strong>
      ${
        p.overdue
          ? html`<span class="returned">（已逾期，${day(p.missAt)} 前仍未报送的记为未按期反馈）</span>`
          : ''
      }
    </p>
    <form data-action="/api/actions/progress">
      <input type="hidden" name="cycleId" value="${p.cycleId}" />
      <input type="hidden" name="ref" value="${p.periodId}" />
      <label>本期进展 <textarea name="narrative" rows="3" required></textarea></label>
      <div class="field">佐证材料 ${fileInput('evidence', acceptedTypes.join(','), '选择佐证材料')}</div>
      <button type="submit">报送本期进展</button>
      <p class="form-result" data-form-result role="alert"></p>
    </form>
  </article>`;
}

/** A project the unit leads: its pending or refused 办结申请, or the form to file one. */
function closureCard(c: ClosureItem): Html {
  return html`<article class="card" data-closure-item="${c.itemId}">
    <h4><a href="${projectHref(c.cycleId, c.itemId)}">${clip(c.title, 60)}</a></h4>
    ${c.stuck ? html`<p class="stuck">⚠ ${stuckText[c.stuck.problem]}</p>` : ''}
    ${
      c.pending
        ? html`<p class="hint" data-closure-pending>
            ${milestoneLabel(`${c.itemId}/${c.pending.requestId}`)}待督导处审批销号：${clip(c.pending.narrative, 80)}
          </p>`
        : ''
    }
    ${
      c.refused
        ? html`<p class="returned" data-closure-refused>
            ${milestoneLabel(`${c.itemId}/${c.refused.requestId}`)}未获同意，理由：${c.refused.comment}
          </p>`
        : ''
    }
    ${
      c.mayRequest
        ? html`<details>
            <summary>申请办结</summary>
            <form
              data-action="/api/actions/request-closure"
              data-confirm="确认申请办结？督导处同意销号后，未办结的节点将按已达标办结。"
            >
              <input type="hidden" name="cycleId" value="${c.cycleId}" />
              <input type="hidden" name="itemId" value="${c.itemId}" />
              <label
                >办结说明（完成情况及依据） <textarea name="narrative" rows="3" required></textarea>
              </label>
              <div class="field">
                佐证材料 ${fileInput('evidence', acceptedTypes.join(','), '选择佐证材料')}
              </div>
              <button type="submit">提交办结申请</button>
              <p class="form-result" data-form-result role="alert"></p>
            </form>
          </details>`
        : c.pending
          ? ''
          : html`<p class="hint">项目${projectStatusLabel[c.status]}，暂不能申请办结。</p>`
    }
  </article>`;
}

function card(i: InboxItem, bodies: string[] = []): Html {
  const ref = i.role === 'lead' ? i.milestoneId : i.assignmentId;
  const canSubmit = i.phase === 'assigned' || i.phase === 'returned';
  return html`<article class="card rag-border-${i.rag}" data-inbox="${ref}">
    <h4>
      ${rag(i.rag, ragText[i.rag])}
      <a href="${projectHref(i.cycleId, i.itemId)}">${clip(i.title, 60)}</a>
    </h4>
    ${i.stuck ? html`<p class="stuck">⚠ ${stuckText[i.stuck.problem]}</p>` : ''}
    ${i.calendarGap ? html`<p class="calendar-gap">⚠ ${calendarGapText(i.calendarGap)}</p>` : ''}
    <p>
      ${milestoneLabel(i.milestoneId)}${i.milestoneText === '周期进展报告' ? '' : html`：${clip(i.milestoneText, 80)}`}
      · ${i.role === 'lead' ? '牵头' : '配合'} · ${deadline(i)} ·
      ${phaseText[i.phase] ?? i.phase}${i.acknowledged ? '' : ' · 未签收'}
    </p>
    <p class="reason">${humanizeIds(i.ragReason)}</p>
    ${i.returnComment ? html`<p class="returned" data-return-comment>退回意见：${i.returnComment}</p>` : ''}
    ${
      i.acknowledged
        ? ''
        : html`<form data-action="/api/actions/acknowledge" class="inline">
            <input type="hidden" name="cycleId" value="${i.cycleId}" />
            <input type="hidden" name="assignmentId" value="${i.assignmentId}" />
            <button type="submit">签收</button>
          </form>`
    }
    ${
      canSubmit
        ? html`<form data-action="/api/actions/submit" data-submit>
            <input type="hidden" name="cycleId" value="${i.cycleId}" />
            <input type="hidden" name="ref" value="${ref}" />
            ${i.targets.map(
              (t, index) =>
                html`<label
                  >${t.metric}（目标 ${opText[t.op] ?? t.op} ${t.value}${t.unit ?? ''}）实际完成值
                  <input name="values" data-type="value" data-index="${index}" type="number" step="any"
                /></label>`,
            )}
            ${
              i.kind === 'indicator' && i.role === 'lead'
                ? html`<label
                    >数据来源 <input name="source" required placeholder="如 2017年教育事业统计年报"
                  /></label>`
                : ''
            }
            <label>进展说明 <textarea name="narrative" rows="3" required></textarea></label>
            <div class="field">
              佐证材料 ${fileInput('evidence', acceptedTypes.join(','), '选择佐证材料')}
            </div>
            <button type="submit">${i.role === 'lead' ? '报送节点报告' : '报送配合材料'}</button>
          </form>`
        : ''
    }
    ${i.role === 'lead' && canSubmit && bodies.length ? dispatchForm(i, bodies) : ''}
    ${
      i.role === 'lead' && canSubmit && !i.pendingExtension
        ? html`<details>
            <summary>申请延期</summary>
            <form data-action="/api/actions/request-extension" data-confirm="确认提交延期申请？">
              <input type="hidden" name="cycleId" value="${i.cycleId}" />
              <input type="hidden" name="milestoneId" value="${i.milestoneId}" />
              <label>申请延至 ${dateInput('requestedDueAt', true)}</label>
              <label>原因 <input name="reason" required /></label>
              <button type="submit">提交延期申请</button>
            </form>
          </details>`
        : i.pendingExtension
          ? html`<p class="hint">延期申请待督导处审批。</p>`
          : ''
    }
  </article>`;
}
