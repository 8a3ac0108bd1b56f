import type { DomainEvent, EventBody, MilestonePlan } from '../domain/events';
import { defaultPolicy } from '../domain/policy';
import { SYSTEM, type Principal } from '../domain/principal';
import { assignmentIdOf, eventIdOf } from '../domain/project';

/**
 * Synthetic but realistic event streams: cycles × projects × milestones, each milestone assigned
 * to a lead and a co-unit, reminded, reported, sometimes returned, escalated or extended, then
 * closed. Deterministic (a seeded generator), so runs are comparable.
 */
const UNITS = [
  '基教处',
  '职成处',
  '规划处',
  '财务处',
  '人事处',
  '高教处',
  '督导室',
  '体卫艺处',
  '民教处',
  '安全处',
];
const DAY = 86_400_000;

export interface SyntheticShape {
  milestonesPerProject: number;
}

export const eventsPerProjectEstimate = 34;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Every event of `projects` projects of one cycle, merged across streams in plan-time order. */
export function syntheticCycle(
  cycleIndex: number,
  projects: number,
  shape: SyntheticShape = { milestonesPerProject: 3 },
): DomainEvent[] {
  const random = rng(cycleIndex + 1);
  const cycleId = `bench-c${cycleIndex}`;
  const year = 2016 + (cycleIndex % 5);
  const opens = Date.UTC(year, 0, 10);
  const policy = defaultPolicy();
  const out: DomainEvent[] = [];
  // A stream's clock never runs backwards: its events are recorded in the order they happen.
  const clock = new Map<string, number>();
  const push = (
    streamId: string,
    seq: number,
    projectId: string | null,
    at: number,
    body: EventBody,
    actor: Principal = SYSTEM,
  ) => {
    const time = Math.max(at, clock.get(streamId) ?? at);
    clock.set(streamId, time);
    out.push({
      eventId: eventIdOf(streamId, seq),
      streamId,
      seq,
      schemaVersion: 1,
      at: new Date(time).toISOString(),
      actor,
      cycleId,
      projectId,
      milestoneId: 'milestoneId' in body.data ? body.data.milestoneId : null,
      causationId: null,
      ...body,
    } as DomainEvent);
  };

  const window = {
    opensAt: new Date(opens).toISOString(),
    submissionDueAt: new Date(opens + 300 * DAY).toISOString(),
    reviewDueAt: new Date(opens + 330 * DAY).toISOString(),
  };
  push(`cycle:${cycleId}`, 1, null, opens - DAY, {
    type: 'CycleStarted',
    data: {
      name: `${year}年度重大项目专项督导（${cycleIndex}）`,
      planId: 'bench',
      planVersion: 1,
      scope: { kinds: ['major_project'] },
      window,
      policy,
      drill: null,
      itemIds: [],
    },
  });

  for (let p = 0; p < projects; p++) {
    const projectId = `${cycleId}-p${p}`;
    const stream = `project:${projectId}`;
    let seq = 0;
    const add = (at: number, body: EventBody, actor?: Principal) =>
      push(stream, ++seq, projectId, at, body, actor);
    const lead = UNITS[Math.floor(random() * UNITS.length)]!;
    const co = UNITS[(UNITS.indexOf(lead) + 1 + Math.floor(random() * (UNITS.length - 1))) % UNITS.length]!;
    const milestones: MilestonePlan[] = Array.from({ length: shape.milestonesPerProject }, (_, m) => ({
      milestoneId: `${projectId}/m${m + 1}`,
      year,
      text: `到${year}年第${m + 1}阶段目标`,
      opensAt: new Date(opens + m * 90 * DAY).toISOString(),
      dueAt: new Date(opens + (m + 1) * 90 * DAY).toISOString(),
      targets: [{ metric: `指标${m + 1}`, op: '>=', value: 90, unit: '%', year }],
    }));
    add(opens, {
      type: 'ProjectStarted',
      data: {
        itemId: projectId,
        kind: 'major_project',
        title: `重大项目${p}`,
        section: '三、重大项目',
        leadUnit: lead,
        coUnits: [co],
        targets: [],
        milestones,
      },
    });
    for (const m of milestones) {
      const start = Date.parse(m.opensAt) + Math.floor(random() * DAY);
      const due = Date.parse(m.dueAt);
      const leadId = assignmentIdOf(m.milestoneId, 'lead', lead);
      const coId = assignmentIdOf(m.milestoneId, 'co', co);
      const staff = (unit: string): Principal => ({ userId: `${unit}-1`, role: 'unit_staff', unit });
      const inspector: Principal = { userId: 'duc', role: 'inspector', unit: '督导处' };
      add(start, { type: 'MilestoneOpened', data: { milestoneId: m.milestoneId } });
      add(start, {
        type: 'AssignmentCreated',
        data: { milestoneId: m.milestoneId, assignmentId: leadId, unit: lead, role: 'lead', dueAt: m.dueAt },
      });
      add(start, {
        type: 'AssignmentCreated',
        data: {
          milestoneId: m.milestoneId,
          assignmentId: coId,
          unit: co,
          role: 'co',
          dueAt: new Date(due - 7 * DAY).toISOString(),
        },
      });
      add(
        start + DAY,
        { type: 'AssignmentAcknowledged', data: { assignmentId: leadId, unit: lead } },
        staff(lead),
      );
      add(start + DAY, { type: 'AssignmentAcknowledged', data: { assignmentId: coId, unit: co } }, staff(co));
      add(due - 7 * DAY, {
        type: 'ReminderSent',
        data: {
          milestoneId: m.milestoneId,
          assignmentId: leadId,
          unit: lead,
          dueAt: m.dueAt,
          leadTime: '7天',
          notificationId: `${leadId}#r1`,
        },
      });
      add(
        due - 8 * DAY,
        {
          type: 'ContributionSubmitted',
          data: {
            milestoneId: m.milestoneId,
            assignmentId: coId,
            unit: co,
            narrative: '配合完成',
            values: [],
            evidence: [],
            late: false,
          },
        },
        staff(co),
      );
      const late = random() < 0.2;
      if (late) {
        add(due + DAY, {
          type: 'EscalationRaised',
          data: {
            milestoneId: m.milestoneId,
            assignmentId: leadId,
            unit: lead,
            level: 1,
            target: 'unit_head',
            reason: 'overdue',
            dueAt: m.dueAt,
            notificationId: `${leadId}#e1`,
          },
        });
      }
      const submitAt = late ? due + 3 * DAY : due - 2 * DAY;
      const value = 80 + Math.round(random() * 20);
      add(
        submitAt,
        {
          type: 'ReportSubmitted',
          data: {
            milestoneId: m.milestoneId,
            assignmentId: leadId,
            unit: lead,
            round: 1,
            narrative: '进展报告',
            values: [{ targetIndex: 0, value }],
            evidence: [],
            late,
            lateAgainstOriginal: late,
          },
        },
        staff(lead),
      );
      let round = 1;
      if (random() < 0.3) {
        add(
          submitAt + DAY,
          { type: 'ReportReturned', data: { milestoneId: m.milestoneId, round, comment: '佐证材料不足' } },
          inspector,
        );
        round = 2;
        add(
          submitAt + 3 * DAY,
          {
            type: 'ReportSubmitted',
            data: {
              milestoneId: m.milestoneId,
              assignmentId: leadId,
              unit: lead,
              round,
              narrative: '补充材料',
              values: [{ targetIndex: 0, value }],
              evidence: [],
              late: true,
              lateAgainstOriginal: true,
            },
          },
          staff(lead),
        );
      }
      const met = value >= 90;
      const reviewAt = submitAt + 5 * DAY;
      add(
        reviewAt,
        {
          type: 'ReportApproved',
          data: {
            milestoneId: m.milestoneId,
            round,
            comment: met ? '达标' : '未达标',
            verdict: met ? 'met' : 'missed',
            results: [{ targetIndex: 0, reported: value, met }],
          },
        },
        inspector,
      );
      add(reviewAt, {
        type: 'MilestoneClosed',
        data: { milestoneId: m.milestoneId, outcome: met ? 'met' : 'missed' },
      });
    }
    add(Date.parse(milestones[milestones.length - 1]!.dueAt) + 20 * DAY, {
      type: 'ProjectClosed',
      data: { outcome: 'completed' },
    });
  }
  // Workflows run side by side: the log interleaves projects in plan-time order.
  return out.sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || a.streamId.localeCompare(b.streamId) || a.seq - b.seq,
  );
}
