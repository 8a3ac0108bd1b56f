import type { InstructionRow } from '../../db/projections/instructions';
import { INSTRUCTIONS_CYCLE, instructionStatusLabel, isOverdue } from '../../domain/instruction';
import { day, html, type Html } from '../html';
import { dateInput } from '../fields';
import { clip } from '../text';
import { projectHref } from './inspector';

export interface InstructionsPage {
  rows: InstructionRow[];
  /** Plan time the instructions' clock has reached: what “overdue” is judged at. */
  at: string;
  /** The units a 批示 may be assigned to (the plan's); empty when no plan is imported. */
  units: string[];
  /** Running cycles: an instruction may keep its deadline by one's clock (a drill's plan time). */
  runningCycles: string[];
  /** 督导处 records; the auditor only reads. */
  canAdd: boolean;
}

/** 领导批示: the ones recorded with where each stands, and (for 督导处) the form to record one. */
export function instructionsBody(p: InstructionsPage): Html {
  const count = (pred: (r: InstructionRow) => boolean) => p.rows.filter(pred).length;
  const overdue = count((r) => isOverdue(r, p.at));
  const done = count((r) => r.status === 'done');
  return html`<p><a href="/inspector">返回督导处工作台</a></p>
    <section id="instructions" data-live>
      <h2>批示办理情况</h2>
      <p data-instruction-counts>
        共 ${p.rows.length} 件 · 已办结 ${done} 件 · 办理中 ${p.rows.length - done - overdue} 件 · 逾期
        ${overdue} 件
      </p>
      ${
        p.rows.length === 0
          ? html`<p class="empty">尚未登记领导批示。</p>`
          : html`<div class="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">编号</th>
                    <th scope="col">批示领导</th>
                    <th scope="col">批示日期</th>
                    <th scope="col">批示内容</th>
                    <th scope="col">责任单位</th>
                    <th scope="col">办理期限</th>
                    <th scope="col">状态</th>
                  </tr>
                </thead>
                <tbody>
                  ${p.rows.map(
                    (r) =>
                      html`<tr data-instruction="${r.project_id}" data-status="${r.status}">
                        <td>
                          <a href="${projectHref(INSTRUCTIONS_CYCLE, r.project_id)}">${r.project_id}</a>
                        </td>
                        <td>${r.leader}</td>
                        <td>${r.issued_on}</td>
                        <td>${clip(r.text, 60)}</td>
                        <td>${r.unit}</td>
                        <td>${day(r.due_at)}</td>
                        <td>
                          ${instructionStatusLabel[r.status]}${
                            isOverdue(r, p.at) && r.status !== 'missed'
                              ? html`<span class="returned">（已逾期）</span>`
                              : ''
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
    </section>
    ${p.canAdd ? addForm(p.units, p.runningCycles) : html`<p class="hint">只读查看，不能登记批示。</p>`}`;
}

function addForm(units: string[], cycles: string[]): Html {
  return html`<section id="add-instruction" class="no-print">
    <h2>登记领导批示</h2>
    <p class="hint">登记后即交办责任单位，按办理期限催办、督办，单位报送办理结果后由督导处审核办结。</p>
    <form data-action="/api/instructions" data-confirm="确认登记并交办该批示？">
      <label>批示领导 <input name="leader" required maxlength="50" /></label>
      <label>批示日期 ${dateInput('issuedOn', true)}</label>
      <label>批示内容 <textarea name="text" rows="3" required maxlength="2000"></textarea></label>
      <label
        >责任单位
        ${
          units.length
            ? html`<select name="unit" required>
                <option value="">请选择</option>
                ${units.map((u) => html`<option value="${u}">${u}</option>`)}
              </select>`
            : html`<input name="unit" required maxlength="50" />`
        }
      </label>
      <label>办理期限 ${dateInput('deadline', true)}</label>
      ${
        cycles.length
          ? html`<label
              >计时
              <select name="cycleId">
                <option value="">按实际日期</option>
                ${cycles.map((c) => html`<option value="${c}">按督导周期 ${c} 的时钟</option>`)}
              </select>
            </label>`
          : ''
      }
      <button type="submit">登记并交办</button>
      <p class="form-result" data-form-result role="alert"></p>
    </form>
  </section>`;
}
