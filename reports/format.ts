import { shanghaiDate } from '../domain/calendar';
import { ragText } from '../domain/labels';

/** Display helpers shared by the report builders: dates in Shanghai, percentages, yes/no. */
export const day = (value: Date | string | null): string | null =>
  value === null ? null : shanghaiDate(value instanceof Date ? value.toISOString() : value);

export const percent = (part: number, whole: number): string =>
  whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)}%`;

export const yesNo = (value: boolean | null): string => (value === null ? '—' : value ? '是' : '否');

export const ragLabel = (rag: string | null): string =>
  rag !== null && rag in ragText ? ragText[rag as keyof typeof ragText] : '—';
