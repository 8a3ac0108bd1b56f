import type { InboxItem } from '../../api/services/projects';
import type { CycleListRow } from '../../api/services/cycles';
import { acceptedTypes } from '../../api/services/evidence';
import { day, html, type Html } from '../html';
import { rag } from '../layout';
import { phaseText, ragText } from '../labels';
import { cyclePicker } from './inspector';

const opText: Record<string, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '达到', '≈': '约' };

export function unitBody(
  unit: string,
  cycles: CycleListRow[],
  cycleId: string | null,
  items: InboxItem[],
): Html {
  return html`${cyclePicker(cycles, cycleId, '/unit')}
    <section id="inbox" data-live>
      <h2>${unit}的待办（${items.length}）</h2>
      ${items.length === 0 ? html`<p class="empty">暂无待办事项。</p>` : ''} ${items.map(card)}
    </section>`;
}

function card(i: InboxItem): Html {
  const ref = i.role === 'lead' ? i.milestoneId : i.assignmentId;
  const canSubmit = i.phase === 'assigned' || i.phase === 'returned';
  return html`<article class="card rag-border-${i.rag}" data-inbox="${ref}">
    <h3>${rag(i.rag, ragText[i.rag])} ${i.title}</h3>
    <p>
      节点：${i.milestoneText} · ${i.role === 'lead' ? '牵头' : '配合'} · 期限
      <strong>${day(i.dueAt)}</strong>${i.dueAt !== i.originalDueAt ? `（原定 ${day(i.originalDueAt)}）` : ''}
      · ${phaseText[i.phase] ?? i.phase}${i.acknowledged ? '' : ' · 未签收'}
    </p>
    <p class="reason">${i.ragReason}</p>
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
            <label>进展说明 <textarea name="narrative" rows="3" required></textarea></label>
            <label
              >佐证材料 <input type="file" name="evidence" multiple accept="${acceptedTypes.join(',')}"
            /></label>
            <button type="submit">${i.role === 'lead' ? '报送节点报告' : '报送配合材料'}</button>
          </form>`
        : ''
    }
    ${
      i.role === 'lead' && canSubmit && !i.pendingExtension
        ? html`<details>
            <summary>申请延期</summary>
            <form data-action="/api/actions/request-extension">
              <input type="hidden" name="cycleId" value="${i.cycleId}" />
              <input type="hidden" name="milestoneId" value="${i.milestoneId}" />
              <label>申请延至 <input type="date" name="requestedDueAt" required /></label>
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
