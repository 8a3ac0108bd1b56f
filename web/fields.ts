import { html, type Html } from './html';

/**
 * A date field typed as 年-月-日. A native date input shows the browser's own locale (mm/dd/yyyy
 * in an English browser), so the field is text with a pattern and a Chinese example.
 */
export const dateInput = (name: string, required = false): Html =>
  html`<input
    name="${name}"
    type="text"
    inputmode="numeric"
    pattern="\\d{4}-\\d{2}-\\d{2}"
    placeholder="如 2017-12-31"
    title="日期格式：年-月-日，如 2017-12-31"
    size="14"
    data-date
    ${required ? html`required` : ''}
  />`;

/** A file picker with a Chinese button (the native one says "Choose Files" in an English browser). */
export const fileInput = (name: string, accept: string, label: string, multiple = true): Html =>
  html`<span class="file-field">
    <label class="file-button"
      >${label}<input
        type="file"
        name="${name}"
        ${multiple ? html`multiple` : ''}
        accept="${accept}"
        class="visually-hidden"
        data-file
    /></label>
    <span class="file-names hint" data-file-names aria-live="polite">未选择文件</span>
  </span>`;
