import type { ItemKind, PlanItem } from '../../domain/plan';
import { everyYearsText } from '../../domain/labels';
import { coUnits, leadUnit } from '../../domain/plan';
import type { ParsedUpload } from '../../app/plans';
import type { ImportPreview, StoredVersion } from '../../seeds/import';
import type { PlanDiff } from '../../seeds/parser/diff';
import { describeLocation } from '../../seeds/formats/model';
import { dateTime, html, type Html } from '../html';
import { fileInput } from '../fields';

const KIND_NAMES: Record<ItemKind, string> = {
  indicator: '主要指标',
  task: '任务',
  major_project: '重大项目',
};
const FORMAT_NAMES: Record<string, string> = {
  text: '纯文本',
  docx: 'Word 文档',
  pdf: 'PDF',
  xlsx: 'Excel 工作簿',
  csv: 'CSV 表格',
};

/** 导入规划: the plans already imported, and the upload that previews a file before importing it. */
export function plansBody(versions: StoredVersion[]): Html {
  return html`<section id="plan-import">
      <h2>上传规划文件</h2>
      <p class="hint">
        支持纯文本（.txt）、Word（.docx）、PDF（须含文字层，扫描件不行）、Excel（.xlsx）和
        CSV。先预览解析出的条目和警告，核对无误后再确认导入；同名规划的修订稿导入为新版本，并列出与上一版的差异。
      </p>
      <form data-plan-preview>
        <div class="field">
          规划文件 ${fileInput('file', '.txt,.docx,.pdf,.xlsx,.csv', '选择规划文件', false)}
        </div>
        <button type="submit">上传并预览</button>
      </form>
      <div data-plan-preview-result></div>
    </section>
    <section id="plan-versions">
      <h2>已导入的规划</h2>
      ${
        versions.length === 0
          ? html`<p class="empty">还没有导入任何规划。</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>规划</th>
                  <th>版本</th>
                  <th>条目</th>
                  <th>警告</th>
                  <th>来源文件</th>
                  <th>导入时间</th>
                </tr>
              </thead>
              <tbody>
                ${versions.map(
                  (v) =>
                    html`<tr>
                      <td>${v.planId}《${v.title}》</td>
                      <td>第 ${v.version} 版</td>
                      <td>${v.itemCount}</td>
                      <td>${v.warningCount}</td>
                      <td>${v.sourceName}</td>
                      <td>${dateTime(v.importedAt.toISOString())}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
}

/** The parsed file for review: what importing would do, every item with where it was read, every warning. */
export function planPreview(p: ParsedUpload & ImportPreview): Html {
  const { plan } = p;
  const counts = (Object.keys(KIND_NAMES) as ItemKind[])
    .map((k) => `${KIND_NAMES[k]} ${plan.items.filter((i) => i.kind === k).length} 项`)
    .join('，');
  const status =
    p.status === 'new'
      ? '这是一份新规划，确认后导入为第 1 版。'
      : p.status === 'unchanged'
        ? `内容与已导入的第 ${p.version} 版（规划编号 ${p.planId}）相同，无需再次导入。`
        : `这是规划 ${p.planId} 的修订稿，确认后导入为第 ${p.version + 1} 版。`;
  return html`<article class="card" data-plan-preview-of="${p.contentHash}">
    <h3>《${plan.title || '（无标题）'}》</h3>
    <p>
      文件 ${p.fileName}（${FORMAT_NAMES[plan.sourceFormat ?? 'text']}）· 发文单位 ${plan.issuer ?? '未注明'}
      · 发文日期 ${plan.issuedOn ?? '未注明'}
    </p>
    <p data-plan-status="${p.status}">${status}</p>
    <p>
      条目：共 ${plan.items.length} 项（${counts}）；责任单位 ${plan.units.length} 个；警告
      ${plan.warnings.length} 条。
    </p>
    ${p.diff ? diffBlock(p.diff, p.version ?? 0) : ''}
    ${
      p.status === 'unchanged'
        ? ''
        : html`<p>
            <button type="button" data-plan-import data-hash="${p.contentHash}">确认导入</button>
            <span class="hint">导入后可在“发起督导周期”中选用。</span>
          </p>`
    }
    <h4>条目</h4>
    <table data-plan-items>
      <thead>
        <tr>
          <th>编号</th>
          <th>类型</th>
          <th>内容</th>
          <th>牵头单位</th>
          <th>配合单位</th>
          <th>时限 / 节点</th>
          <th>位置</th>
        </tr>
      </thead>
      <tbody>
        ${plan.items.map((i) => itemRow(i))}
      </tbody>
    </table>
    <h4>警告（${plan.warnings.length} 条）</h4>
    ${
      plan.warnings.length === 0
        ? html`<p class="empty">没有警告。</p>`
        : html`<ul data-plan-warnings>
            ${plan.warnings.map((w) => html`<li>${describeLocation(w.line, w.location)}：${w.message}</li>`)}
          </ul>`
    }
  </article>`;
}

function itemRow(i: PlanItem): Html {
  const lead = i.leadUnits ?? (leadUnit(i) ? [leadUnit(i)!] : []);
  const co = i.leadUnits ? i.units.filter((u) => !lead.includes(u)) : coUnits(i);
  const when = [
    i.deadline,
    ...i.milestones.map((m) => `${m.dueOn ?? `${m.year}年`}：${m.text}`),
    ...i.cadences.map((c) => `定期：${c.text}`),
    ...i.recurrences.map((r) => `${everyYearsText(r.everyYears)}：${r.text}`),
  ].filter(Boolean);
  return html`<tr data-item="${i.id}">
    <td>${i.id}</td>
    <td>${KIND_NAMES[i.kind]}</td>
    <td>
      <strong>${i.title}</strong>
      <div>${i.text}</div>
    </td>
    <td>${lead.join('、') || '未注明'}</td>
    <td>${co.join('、') || '无'}</td>
    <td>${when.map((w) => html`<div>${w}</div>`)}</td>
    <td>${describeLocation(i.sourceLine, i.location)}</td>
  </tr>`;
}

function diffBlock(diff: PlanDiff, version: number): Html {
  return html`<section data-plan-diff>
    <h4>与第 ${version} 版相比</h4>
    <p>
      新增 ${diff.added.length} 项，删除 ${diff.removed.length} 项，修改 ${diff.changed.length} 项，未变
      ${diff.unchanged} 项。
    </p>
    <ul>
      ${diff.added.map((i) => html`<li data-diff="added">新增 [${i.id}] ${i.title}</li>`)}
      ${diff.removed.map((i) => html`<li data-diff="removed">删除 [${i.id}] ${i.title}</li>`)}
      ${diff.changed.map(
        (c) =>
          html`<li data-diff="changed">
            修改 [${c.after.id}]
            ${c.after.title}（变化：${c.fields.map((f) => FIELD_NAMES[f] ?? f).join('、')}）
          </li>`,
      )}
    </ul>
  </section>`;
}

const FIELD_NAMES: Record<string, string> = {
  text: '内容',
  kind: '类型',
  units: '责任单位',
  targets: '目标值',
  milestones: '节点',
};
