import type { ProjectView } from '../../workflows/messages';
import type { RecordedEvent } from '../../db/event-store';
import type { Verdict } from '../../app/audit';
import { pendingClosure, pendingExtension } from '../../app/views';
import {
  closureStatusLabel,
  extensionStatusLabel,
  milestoneLabel,
  outcomeLabel,
  projectStatusLabel,
} from '../../domain/labels';
import { dateTime, day, html, type Html } from '../html';
import { rag } from '../layout';
import { phaseText, ragText } from '../../domain/labels';
import { humanizeIds } from '../text';
import { eventTable } from '../event-table';
import { actionForm, closureCard, extensionCard, reviewForm, valuesAgainstTargets } from './inspector';

type Milestone = ProjectView['state']['milestones'][number];

export interface ProjectPage {
  view: ProjectView;
  /** 督导处 acts here; everyone else reads. */
  canAct: boolean;
  /** Units a 转办 may go to (the plan's units). */
  units: string[];
  timeline: { events: RecordedEvent[]; verdict: Verdict | null } | null;
  back: string;
}

export function projectBody(p: ProjectPage): Html {
  const s = p.view.state;
  const open = s.status === 'active' || s.status === 'suspended';
  return html`<p class="no-print"><a href="${p.back}">← 返回看板</a></p>
    <section id="project-head" data-live>
      <h2>${s.itemId} ${s.title}</h2>
      <dl class="facts">
        <dt>规划板块</dt>
        <dd>${s.section || '—'}</dd>
        <dt>督导周期</dt>
        <dd>${s.cycleId}</dd>
        <dt>牵头单位</dt>
        <dd>${s.leadUnit}</dd>
        <dt>配合单位</dt>
        <dd>${s.coUnits.join('、') || '无'}</dd>
        <dt>项目状态</dt>
        <dd data-project-status="${s.status}">${projectStatusLabel[s.status]}</dd>
        <dt>状态灯</dt>
        <dd>${rag(p.view.rag.rag, ragText[p.view.rag.rag])} ${humanizeIds(p.view.rag.reason)}</dd>
        <dt>规划时间</dt>
        <dd>${dateTime(p.view.now)}</dd>
      </dl>
    </section>
    ${p.canAct && open ? lifecycleForms(p) : ''}
    <section id="milestones" data-live>
      <h2>节点（${s.milestones.length}）</h2>
      ${s.milestones.map((m) => milestoneCard(p, m))}
    </section>
    ${s.closures?.length ? closuresSection(p) : ''} ${p.timeline ? timelineSection(p.timeline) : ''}`;
}

/** Every 办结申请 with its decision; a confirmed one stays as the record of why the item closed. */
function closuresSection(p: ProjectPage): Html {
  const s = p.view.state;
  const closures = s.closures ?? [];
  return html`<section id="closures" data-live>
    <h2>办结申请（${closures.length}）</h2>
    <ul class="closures">
      ${closures.map(
        (x) =>
          html`<li data-closure-status="${x.status}">
            ${milestoneLabel(`${s.itemId}/${x.requestId}`)} · ${x.unit}：${x.narrative} ·
            <strong>${closureStatusLabel[x.status]}</strong>${x.comment ? `，${x.comment}` : ''}
            ${x.evidence.map((e) => html` <a href="/api/evidence/${e.sha256}">${e.name ?? e.ref}</a>`)}
          </li>`,
      )}
    </ul>
    ${
      p.canAct
        ? closures.filter((x) => x.status === 'pending').map((x) => closureCard(pendingClosure(s, x), false))
        : ''
    }
  </section>`;
}

function lifecycleForms(p: ProjectPage): Html {
  const s = p.view.state;
  const hidden = html`<input type="hidden" name="cycleId" value="${s.cycleId}" />
    <input type="hidden" name="itemId" value="${s.itemId}" />`;
  return html`<section id="project-actions" class="no-print" data-live>
    <h2>项目督办</h2>
    <div class="columns">
      ${
        s.status === 'active'
          ? actionForm(
              '/api/actions/suspend',
              '确认暂停该项目的督办？暂停期间单位不能办理，催办和督办停止。',
              html`${hidden}<label>暂停原因 <input name="reason" required /></label>
                <button type="submit" class="secondary">暂停督办</button>`,
            )
          : actionForm(
              '/api/actions/resume',
              '确认恢复该项目的督办？',
              html`${hidden}<label>恢复原因 <input name="reason" required /></label>
                <button type="submit">恢复督办</button>`,
            )
      }
      ${actionForm(
        '/api/actions/cancel-project',
        '确认撤销该项目的督办？撤销后不可恢复。',
        html`${hidden}<label>撤销原因 <input name="reason" required /></label>
          <button type="submit" class="danger">撤销项目</button>`,
      )}
    </div>
  </section>`;
}

function milestoneCard(p: ProjectPage, m: Milestone): Html {
  const s = p.view.state;
  const r = p.view.milestones[m.milestoneId];
  const moved = m.dueAt !== m.originalDueAt;
  const open = m.phase === 'assigned' || m.phase === 'returned' || m.phase === 'submitted';
  return html`<article class="card rag-border-${r?.rag ?? 'green'}" data-milestone="${m.milestoneId}">
    <h3>${r ? rag(r.rag, ragText[r.rag]) : ''} ${milestoneLabel(m.milestoneId)}</h3>
    <p>${m.text}</p>
    <p>
      ${phaseText[m.phase] ?? m.phase}${m.outcome ? ` · ${outcomeLabel[m.outcome]}` : ''} · 原定期限
      ${day(m.originalDueAt)} · 当前期限 <strong>${day(m.dueAt)}</strong>${moved ? '（已批准延期）' : ''} ·
      已报送 ${m.rounds} 轮，退回 ${m.returns} 次
    </p>
    ${r ? html`<p class="reason">${humanizeIds(r.reason)}</p>` : ''}
    ${m.lastReturnComment ? html`<p class="returned">最近退回意见：${m.lastReturnComment}</p>` : ''}
    <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可横向滚动）">
      <table class="assignments">
        <caption>
          交办单位
        </caption>
        <thead>
          <tr>
            <th scope="col">单位</th>
            <th scope="col">角色</th>
            <th scope="col">本单位期限</th>
            <th scope="col">签收</th>
            <th scope="col">报送</th>
            <th scope="col">督办</th>
            ${p.canAct && open ? html`<th scope="col">转办</th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${m.assignments.map(
            (a) =>
              html`<tr data-assignment="${a.assignmentId}">
                <td class="unit">${a.unit}</td>
                <td>${a.role === 'lead' ? '牵头' : '配合'}</td>
                <td>
                  ${day(a.dueAt)}${
                    a.role === 'co' && a.dueAt < m.dueAt
                      ? html`<br /><small class="hint">配合材料须在牵头单位期限前报送</small>`
                      : ''
                  }
                </td>
                <td>${a.acknowledged ? '已签收' : '未签收'}</td>
                <td>${a.submitted ? (a.late ? '已报送（逾期）' : '已报送') : '未报送'}</td>
                <td>${a.escalationLevel > 0 ? `${a.escalationLevel}级` : '—'}</td>
                ${p.canAct && open ? html`<td>${a.submitted ? '—' : reassignForm(p, s.cycleId, a)}</td>` : ''}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${m.submission ? submissionBlock(m) : m.targets.length ? valuesAgainstTargets(m.targets, []) : ''}
    ${
      m.extensions.length
        ? html`<ul class="extensions">
            ${m.extensions.map(
              (x) =>
                html`<li>
                  ${x.unit} 申请延至
                  ${day(x.requestedDueAt)}（${x.reason}）：${extensionStatusLabel[x.status]}${x.comment ? `，${x.comment}` : ''}
                </li>`,
            )}
          </ul>`
        : ''
    }
    ${
      p.canAct
        ? m.extensions
            .filter((x) => x.status === 'pending')
            .map((x) => extensionCard(pendingExtension(s, m, x), false))
        : ''
    }
    ${p.canAct && m.phase === 'submitted' ? reviewForm(s.cycleId, m.milestoneId) : ''}
  </article>`;
}

function reassignForm(p: ProjectPage, cycleId: string, a: Milestone['assignments'][number]): Html {
  return html`<details>
    <summary>转办</summary>
    ${actionForm(
      '/api/actions/reassign',
      `确认将${a.unit}的这项工作转办给所选单位？`,
      html`<input type="hidden" name="cycleId" value="${cycleId}" />
        <input type="hidden" name="assignmentId" value="${a.assignmentId}" />
        <label
          >转给
          <select name="toUnit" required>
            <option value="">请选择单位</option>
            ${p.units.filter((u) => u !== a.unit).map((u) => html`<option value="${u}">${u}</option>`)}
          </select></label
        >
        <label>转办原因 <input name="reason" required /></label>
        <button type="submit">确认转办</button>`,
    )}
  </details>`;
}

function submissionBlock(m: Milestone): Html {
  const sub = m.submission!;
  return html`<div class="submission">
    <h4>第 ${sub.round} 轮报告${sub.late ? '（逾期报送）' : ''}${sub.at ? `，${dateTime(sub.at)}` : ''}</h4>
    <p class="narrative">${sub.narrative}</p>
    ${valuesAgainstTargets(m.targets, sub.values)}
    ${
      sub.evidence.length
        ? html`<p>
            佐证材料：${sub.evidence.map(
              (e) => html`<a href="/api/evidence/${e.sha256}">${e.name ?? e.ref}</a> `,
            )}
          </p>`
        : html`<p class="hint">未附佐证材料。</p>`
    }
  </div>`;
}

function timelineSection(t: NonNullable<ProjectPage['timeline']>): Html {
  const v = t.verdict;
  return html`<section id="timeline">
    <h2>时间线（${t.events.length} 条事件）</h2>
    ${
      v
        ? html`<p class="verdict ${v.ok ? 'ok' : 'broken'}" data-verdict>
            ${v.ok ? `校验通过：${v.events} 条事件，哈希链完整` : `校验失败：${v.findings.join('；')}`}
          </p>`
        : ''
    }
    ${eventTable(t.events, { forAuditor: false })}
  </section>`;
}
