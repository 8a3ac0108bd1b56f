import type { CycleListRow } from '../../app/cycles';
import type { CloseOut } from '../../app/rectifications';
import type { RectificationRow } from '../../db/projections/rectifications';
import { RECTIFICATIONS_CYCLE, rectificationStatusLabel } from '../../domain/rectification';
import { dateInput } from '../fields';
import { day, html, type Html } from '../html';
import { actionForm, cyclePicker, projectHref } from './inspector';

/** 周期结束清单: a cycle's shortfalls and their 整改, issuing the 整改通知, carrying over. */
export interface CloseOutPage {
  cycles: CycleListRow[];
  cycleId: string | null;
  /** The close-out, or why there is none yet (a cycle still in its reporting window). */
  closeOut: CloseOut | { refused: string } | null;
  /** 整改 carried into this cycle from earlier ones. */
  carriedIn: RectificationRow[];
}

const statusOf = (r: RectificationRow | null): string =>
  r ? `${rectificationStatusLabel[r.status]}（期限 ${day(r.due_at)}）` : '未下发';

export function closeOutBody(p: CloseOutPage): Html {
  const id = p.cycleId ? encodeURIComponent(p.cycleId) : '';
  return html`${cyclePicker(p.cycles, p.cycleId, '/inspector/close-out')}
    <p><a href="/inspector${p.cycleId ? `?cycle=${id}` : ''}">返回督导看板</a></p>
    <section>
      <h2>周期结束清单${p.cycleId ? `（${p.cycleId}）` : ''}</h2>
      ${
        p.closeOut === null
          ? html`<p class="empty">请选择一个督导周期。</p>`
          : 'refused' in p.closeOut
            ? html`<p class="empty">${p.closeOut.refused}</p>`
            : shortfallTable(p.closeOut)
      }
    </section>
    ${
      p.closeOut && !('refused' in p.closeOut) && p.closeOut.shortfalls.length > 0
        ? issueForms(p.closeOut, id)
        : ''
    }
    ${carriedInSection(p.carriedIn)}`;
}

function shortfallTable(out: CloseOut): Html {
  if (out.shortfalls.length === 0) return html`<p class="empty">${out.cycleName}没有未达标事项。</p>`;
  return html`<p>
      ${out.cycleName}：未达标节点 ${out.shortfalls.length} 个（逾期报送超过 ${out.rules.lateDays}
      天、退回超过 ${out.rules.maxReturns} 次、督办升至第 ${out.rules.topEscalationLevel} 级均列入）。
    </p>
    <table class="board">
      <thead>
        <tr>
          <th scope="col">整改编号</th>
          <th scope="col">事项</th>
          <th scope="col">节点</th>
          <th scope="col">责任单位</th>
          <th scope="col">未达标原因</th>
          <th scope="col">整改状态</th>
        </tr>
      </thead>
      <tbody>
        ${out.shortfalls.map(
          (s) =>
            html`<tr>
              <td>
                ${
                  s.rectification
                    ? html`<a href="${projectHref(RECTIFICATIONS_CYCLE, s.rectificationId)}"
                        >${s.rectificationId}</a
                      >`
                    : s.rectificationId
                }
              </td>
              <td>${s.itemId} ${s.title}</td>
              <td>${s.milestoneText}</td>
              <td>${s.unit}</td>
              <td>${s.reasons.join('；')}</td>
              <td>${statusOf(s.rectification)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function issueForms(out: CloseOut, id: string): Html {
  const issued = out.shortfalls.some((s) => s.rectification !== null);
  return html`<section class="no-print">
    <h2>整改通知</h2>
    <div class="columns">
      ${actionForm(
        `/api/cycles/${id}/close-out`,
        '确认向责任单位下发整改通知？每个未达标节点将成为一项整改督办事项。',
        html`<label>整改期限 ${dateInput('deadline', true)}</label>
          <label>文号（可选） <input name="documentNumber" placeholder="如 衢教督〔2018〕2号" /></label>
          <button type="submit">下发整改通知</button>`,
      )}
      ${issued ? html`<p><a href="/api/cycles/${id}/close-out/notice.docx">下载整改通知（Word）</a></p>` : ''}
      ${
        issued
          ? actionForm(
              `/api/cycles/${id}/carry-over`,
              '确认把未销号的整改结转到所选周期继续整改？',
              html`<label>结转到周期 <input name="toCycleId" required /></label>
                <label>整改期限（可选，默认该周期报送截止日） ${dateInput('deadline')}</label>
                <button type="submit">结转未销号整改</button>`,
            )
          : ''
      }
    </div>
  </section>`;
}

/** 整改 carried into the cycle: each round with the round it continues. */
function carriedInSection(rows: RectificationRow[]): Html {
  if (rows.length === 0) return html``;
  return html`<section>
    <h2>上期结转整改</h2>
    <table class="board">
      <thead>
        <tr>
          <th scope="col">整改编号</th>
          <th scope="col">来源周期</th>
          <th scope="col">事项</th>
          <th scope="col">轮次</th>
          <th scope="col">承接</th>
          <th scope="col">责任单位</th>
          <th scope="col">状态</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              <td><a href="${projectHref(RECTIFICATIONS_CYCLE, r.project_id)}">${r.project_id}</a></td>
              <td>${r.origin_cycle_id}</td>
              <td>${r.item_id} ${r.title}</td>
              <td>第${r.round}轮</td>
              <td>${r.carried_from ?? '—'}</td>
              <td>${r.unit}</td>
              <td>${statusOf(r)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
