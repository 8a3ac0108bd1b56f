/**
 * Plan time vs real time. A normal cycle runs on real time (scale 1). A drill cycle compresses
 * plan time (e.g. one plan year per 20 real seconds) from an anchor, so a whole five-year plan can
 * be rehearsed through the very same timers and code paths.
 */
export interface ClockAnchor {
  /** Real (workflow) time at which plan time was `planOrigin`. */
  realOrigin: string;
  planOrigin: string;
  /** Plan milliseconds per real millisecond. */
  scale: number;
}

const YEAR_MS = 365.2425 * 86_400_000;

export const realClock = (nowIso: string): ClockAnchor => ({
  realOrigin: nowIso,
  planOrigin: nowIso,
  scale: 1,
});

export const drillClock = (nowIso: string, planOrigin: string, yearSeconds: number): ClockAnchor => ({
  realOrigin: nowIso,
  planOrigin,
  scale: YEAR_MS / (yearSeconds * 1000),
});

export function planNow(anchor: ClockAnchor, realNowMs: number): string {
  const elapsed = realNowMs - Date.parse(anchor.realOrigin);
  return new Date(Date.parse(anchor.planOrigin) + elapsed * anchor.scale).toISOString();
}

/** Real milliseconds until plan time reaches `planIso` (0 when it already has). */
export function realDelayMs(anchor: ClockAnchor, planIso: string, realNowMs: number): number {
  const planMs = Date.parse(planIso) - Date.parse(planNow(anchor, realNowMs));
  return Math.max(0, Math.ceil(planMs / anchor.scale));
}
