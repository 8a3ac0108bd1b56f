/** Dates as a Chinese office reads them: Asia/Shanghai, UTC+8 all year (no daylight saving). */
const SHANGHAI_OFFSET = 8 * 3_600_000;

/** The Shanghai calendar date (YYYY-MM-DD) of an instant. */
export const shanghaiDate = (iso: string): string =>
  new Date(Date.parse(iso) + SHANGHAI_OFFSET).toISOString().slice(0, 10);
