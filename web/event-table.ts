import type { RecordedEvent } from '../db/event-store';
import { describeEvent } from '../audit/describe';
import { roleLabel } from '../domain/principal';
import { dateTime, html, type Html } from './html';
import { humanizeIds } from './text';

/**
 * A stream's events as a table, the way both the auditor's and the project's timeline show them.
 * The auditor also sees who acted (user id) and downloads the evidence each event cites.
 */
export function eventTable(events: readonly RecordedEvent[], options: { forAuditor: boolean }): Html {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="表格（可横向滚动）">
    <table class="stack">
      <thead>
        <tr>
          <th scope="col">序号</th>
          <th scope="col">规划时间</th>
          <th scope="col">事件</th>
          <th scope="col">操作人</th>
          <th scope="col">内容</th>
        </tr>
      </thead>
      <tbody>
        ${events.map((e) => {
          const d = describeEvent(e);
          const who = `${roleLabel[e.actor.role]}${d.unit ? `·${d.unit}` : ''}`;
          return html`<tr data-event="${e.type}">
            <td data-label="序号">${e.seq}</td>
            <td class="nowrap" data-label="规划时间">${dateTime(e.at)}</td>
            <td data-label="事件">${d.label}</td>
            <td data-label="操作人">${options.forAuditor ? `${who}（${e.actor.userId}）` : who}</td>
            <td data-label="内容">
              ${humanizeIds(d.detail)} ${options.forAuditor ? d.evidence.map((x) => evidenceLink(x)) : ''}
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

/** Evidence as describeEvent gives it (`<ref> sha256:<hash>`): a download link when stored here. */
function evidenceLink(text: string): Html {
  const hash = /sha256:([0-9a-f]{64})/.exec(text)?.[1];
  return hash
    ? html`<br /><a href="/api/evidence/${hash}">佐证材料 ${hash.slice(0, 12)}…</a>`
    : html`<br />${text}`;
}
