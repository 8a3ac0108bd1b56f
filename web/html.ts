import { shanghaiDateTime, shanghaiDay } from '../domain/shanghai';

/** HTML built by tagged templates: every interpolated value is escaped unless it is already Html. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => escapes[ch]!);

type Part = Html | string | number | boolean | null | undefined | Part[];
const render = (v: Part): string =>
  v instanceof Html
    ? v.value
    : Array.isArray(v)
      ? v.map(render).join('')
      : v === null || v === undefined || v === false
        ? ''
        : escapeHtml(String(v));

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]!) : ''), ''));
}

/** A date in Beijing time for people (plan time on a drill calendar). */
export const day = shanghaiDay;
export const dateTime = shanghaiDateTime;
