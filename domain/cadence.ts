import { shift } from './calendar';
import type { CycleWindow, ProgressPeriodPlan } from './events';
import type { ProgressCadence } from './policy';
import type { WorkCalendar } from './work-calendar';

/**
 * 定期反馈 periods of one item over a cycle's window, in plan time. A monthly cadence is due on
 * day `day` of every month (the month's last day when it has fewer), a quarterly one on day `day`
 * of March, June, September and December. A period opens when the one before it falls due (the
 * first when the cycle opens), and only periods due inside the window are planned. It counts as
 * missed `missAfter` after its due date, but never after the cycle's review deadline, when
 * everything still open closes.
 */
export function planPeriods(
  itemId: string,
  window: CycleWindow,
  cadence: ProgressCadence,
  calendar?: WorkCalendar,
): ProgressPeriodPlan[] {
  const periods: ProgressPeriodPlan[] = [];
  const opens = Date.parse(window.opensAt);
  const last = Date.parse(window.submissionDueAt);
  const review = Date.parse(window.reviewDueAt);
  const [y0, m0] = shanghaiYearMonth(window.opensAt);
  let previous = window.opensAt;
  for (let i = 0; i < 12 * 50; i++) {
    const year = y0 + Math.floor((m0 - 1 + i) / 12);
    const month = ((m0 - 1 + i) % 12) + 1;
    if (cadence.every === 'quarter' && month % 3 !== 0) continue;
    const due = dueOn(year, month, cadence.day);
    if (Date.parse(due) > last) break;
    if (Date.parse(due) <= opens) continue;
    const miss = shift(due, cadence.missAfter, 1, calendar);
    const pad = String(month).padStart(2, '0');
    periods.push({
      periodId: `${itemId}/p${year}-${cadence.every === 'quarter' ? `q${month / 3}` : pad}`,
      label: cadence.every === 'quarter' ? `${year}年第${month / 3}季度` : `${year}年${month}月`,
      opensAt: previous,
      dueAt: due,
      missAt: Date.parse(miss) < review ? miss : window.reviewDueAt,
    });
    previous = due;
  }
  return periods;
}

/** The end of day `day` (or of the month's last day) of a month in Beijing, as an instant. */
function dueOn(year: number, month: number, day: number): string {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return new Date(Date.UTC(year, month - 1, Math.min(day, days), 15, 59, 59)).toISOString();
}

const shanghaiYearMonth = (iso: string): [number, number] => {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1];
};

/**
 * The periods that change when an item's cycle window moves: open periods whose plan differs (a
 * later cap on when they count as missed) and periods newly due inside the window. Reported and
 * missed periods stay as they were; so do periods the new window would no longer plan.
 */
export function replanPeriods(
  itemId: string,
  current: readonly (ProgressPeriodPlan & { status: 'open' | 'reported' | 'missed' })[],
  window: CycleWindow,
  cadence: ProgressCadence,
  calendar?: WorkCalendar,
): ProgressPeriodPlan[] {
  const byId = new Map(current.map((p) => [p.periodId, p]));
  return planPeriods(itemId, window, cadence, calendar).filter((plan) => {
    const now = byId.get(plan.periodId);
    if (!now) return true;
    return (
      now.status === 'open' &&
      (now.opensAt !== plan.opensAt || now.dueAt !== plan.dueAt || now.missAt !== plan.missAt)
    );
  });
}
