import { z } from 'zod';

/**
 * Plan time vs real time. A normal cycle runs on real time (scale 1). A drill cycle compresses
 * plan time (e.g. one plan year per 20 real seconds) from an anchor, so a whole five-year plan can
 * be rehearsed through the very same timers and code paths.
 */
export const ClockAnchor = z.object({
  /** Real (workflow) time at which plan time was `planOrigin`. */
  realOrigin: z.iso.datetime({ offset: true }),
  planOrigin: z.iso.datetime({ offset: true }),
  /** Plan milliseconds per real millisecond. */
  scale: z.number().positive(),
});
export type ClockAnchor = z.infer<typeof ClockAnchor>;

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

/** How far ahead of the workflow's clock a command's stated time may be (clock skew). */
export const COMMAND_MAX_LEAD_MS = 60_000;
/** How old a command may be when it arrives (a sender retrying a busy workflow keeps its time). */
export const COMMAND_MAX_AGE_MS = 15 * 60_000;

/**
 * Why a command's stated time (`requestedAt`, real time) is unacceptable at real time `nowMs`, or
 * null when it is fine. A command decides at the plan time its sender acted, so that time must be
 * stated and recent.
 */
export function commandTimeProblem(requestedAt: string | undefined, nowMs: number): string | null {
  if (!requestedAt) return '命令缺少发出时间（requestedAt），请升级客户端后重试';
  const at = Date.parse(requestedAt);
  if (at > nowMs + COMMAND_MAX_LEAD_MS) return '命令的发出时间晚于服务器时间，请校准本机时钟后重试';
  if (at < nowMs - COMMAND_MAX_AGE_MS) return '命令已过期（发出超过15分钟），请重新操作';
  return null;
}
