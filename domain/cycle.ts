import type { MilestonePlan, CycleWindow, CycleScope } from './events';
import type { PlanItem } from './plan';
import type { CyclePolicy } from './policy';
import type { ProjectState } from './project';
import { adjustToWorkingDay, calendarGaps, endOfYear, startOfYear } from './calendar';

/** An item in a cycle's scope, as the cycle workflow receives it (a slim PlanItem). */
export type CycleItem = {
  itemId: string;
  kind: PlanItem['kind'];
  title: string;
  section: string;
  units: string[];
  targets: PlanItem['targets'];
  milestones: { year: number; text: string }[];
};

export const toCycleItem = (item: PlanItem): CycleItem => ({
  itemId: item.id,
  kind: item.kind,
  title: item.title,
  section: item.path[item.path.length - 1] ?? '',
  units: item.units,
  targets: item.targets,
  milestones: item.milestones,
});

/** Which plan items a scope selects: kinds, then sections (path prefix match), units, explicit ids. */
export function selectItems(items: PlanItem[], scope: CycleScope): PlanItem[] {
  return items.filter(
    (it) =>
      scope.kinds.includes(it.kind) &&
      it.units.length > 0 &&
      (!scope.sections?.length || scope.sections.some((s) => it.path.some((p) => p.includes(s)))) &&
      (!scope.units?.length || scope.units.some((u) => it.units.includes(u))) &&
      (!scope.itemIds?.length || scope.itemIds.includes(it.id)),
  );
}

/** The window of a cycle over `years` plan years from `year`: those years, then a month for review. */
export function yearWindow(
  year: number,
  years: number,
  holidayRule: CyclePolicy['holidayRule'],
  cal?: CyclePolicy['calendar'],
): CycleWindow {
  const last = year + years - 1;
  return {
    opensAt: startOfYear(year),
    submissionDueAt: adjustToWorkingDay(endOfYear(last), holidayRule, cal),
    reviewDueAt: adjustToWorkingDay(
      new Date(Date.UTC(last + 1, 0, 31, 15, 59, 59)).toISOString(),
      holidayRule,
      cal,
    ),
  };
}

export const shanghaiYear = (iso: string): number =>
  Number(new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 4));

const year = (iso: string): number =>
  Number(new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 4));

/**
 * The milestones of one item that fall in a cycle's window: one per 到YYYY年 year in the window,
 * due at the end of that year (moved to a working day by policy); an item with none in the window
 * still owes a progress report (with all its targets' current values) by the submission due date.
 */
export function planMilestones(item: CycleItem, window: CycleWindow, policy: CyclePolicy): MilestonePlan[] {
  const first = year(window.opensAt);
  const last = year(window.submissionDueAt);
  const years = [...new Set(item.milestones.map((m) => m.year))]
    .filter((y) => y >= first && y <= last)
    .sort();
  if (years.length === 0) {
    return [
      {
        milestoneId: `${item.itemId}/progress`,
        year: null,
        text: '周期进展报告',
        opensAt: window.opensAt,
        dueAt: window.submissionDueAt,
        targets: item.targets,
      },
    ];
  }
  return years.map((y) => {
    const dueAt = clampDue(adjustToWorkingDay(endOfYear(y), policy.holidayRule, policy.calendar), window);
    const gaps = calendarGaps(policy.calendar, dueAt, endOfYear(y));
    return {
      milestoneId: `${item.itemId}/${y}`,
      year: y,
      text: item.milestones
        .filter((m) => m.year === y)
        .map((m) => m.text)
        .join('；'),
      opensAt: new Date(Math.max(Date.parse(window.opensAt), Date.parse(startOfYear(y)))).toISOString(),
      dueAt,
      targets: item.targets.filter((t) => t.year === y),
      ...(gaps.length > 0 ? { calendarGaps: gaps } : {}),
    };
  });
}

const clampDue = (due: string, window: CycleWindow): string =>
  Date.parse(due) > Date.parse(window.submissionDueAt) ? window.submissionDueAt : due;

/** Per item and per unit: submitted on time / late / missing, approved / returned, met / missed. */
export type ItemSummary = {
  projectId: string;
  title: string;
  leadUnit: string;
  status: ProjectState['status'];
  milestones: number;
  onTime: number;
  late: number;
  missing: number;
  approved: number;
  returns: number;
  met: number;
  missed: number;
  maxEscalation: number;
};
export type UnitSummary = Omit<ItemSummary, 'projectId' | 'title' | 'leadUnit' | 'status'> & {
  unit: string;
  items: number;
};
export type CycleSummary = {
  items: ItemSummary[];
  units: UnitSummary[];
  scoringBaseline: CyclePolicy['scoringBaseline'];
};

export function summarize(states: ProjectState[], baseline: CyclePolicy['scoringBaseline']): CycleSummary {
  const items = states.map((s): ItemSummary => {
    const ms = s.milestones.filter((m) => m.outcome !== 'cancelled' || m.submission);
    const isLate = (m: (typeof ms)[number]) =>
      baseline === 'original' ? m.submission!.lateAgainstOriginal : m.submission!.late;
    return {
      projectId: s.projectId,
      title: s.title,
      leadUnit: s.leadUnit,
      status: s.status,
      milestones: ms.length,
      onTime: ms.filter((m) => m.submission && !isLate(m)).length,
      late: ms.filter((m) => m.submission && isLate(m)).length,
      missing: ms.filter((m) => !m.submission).length,
      approved: ms.filter((m) => m.approved).length,
      returns: ms.reduce((n, m) => n + m.returns, 0),
      met: ms.filter((m) => m.outcome === 'met').length,
      missed: ms.filter((m) => m.outcome === 'missed').length,
      maxEscalation: Math.max(0, ...ms.flatMap((m) => m.assignments.map((a) => a.escalationLevel))),
    };
  });
  const byUnit = new Map<string, UnitSummary>();
  for (const it of items) {
    const u = byUnit.get(it.leadUnit) ?? {
      unit: it.leadUnit,
      items: 0,
      milestones: 0,
      onTime: 0,
      late: 0,
      missing: 0,
      approved: 0,
      returns: 0,
      met: 0,
      missed: 0,
      maxEscalation: 0,
    };
    byUnit.set(it.leadUnit, {
      unit: u.unit,
      items: u.items + 1,
      milestones: u.milestones + it.milestones,
      onTime: u.onTime + it.onTime,
      late: u.late + it.late,
      missing: u.missing + it.missing,
      approved: u.approved + it.approved,
      returns: u.returns + it.returns,
      met: u.met + it.met,
      missed: u.missed + it.missed,
      maxEscalation: Math.max(u.maxEscalation, it.maxEscalation),
    });
  }
  return {
    items,
    units: [...byUnit.values()].sort((a, b) => a.unit.localeCompare(b.unit, 'zh')),
    scoringBaseline: baseline,
  };
}

/** The years a cycle's deadlines fall in: from its opening to its review deadline. */
export function cycleYears(window: CycleWindow): number[] {
  const years: number[] = [];
  for (let y = shanghaiYear(window.opensAt); y <= shanghaiYear(window.reviewDueAt); y++) years.push(y);
  return years;
}
