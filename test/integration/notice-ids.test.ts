import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../support/db';
import { CycleScript, appendInOrder, inspector, milestonePlan } from '../support/event-builder';
import { up as keepNoticesApart } from '../../db/migrations/0013_notices_kept_apart';
import type { DomainEvent } from '../../domain/events';

/**
 * A project recorded by a run from before notice ids named their unit: the lead is reminded, the
 * assignment moves to another unit by 转办, and the new unit is reminded with the very same id.
 */
function legacyReassignedStream(cycleId: string): { events: DomainEvent[]; oldId: string } {
  const script = new CycleScript(cycleId);
  const p = 'p1';
  const m = `${p}/m1`;
  const oldId = `project:${p}/${m}/lead/remind/2017-12-29T09:00:00.000Z/7天`;
  const remind = (unit: string) =>
    script.project(p, '2017-12-22T09:00:00.000Z', {
      type: 'ReminderSent',
      data: {
        milestoneId: m,
        assignmentId: `${m}/lead`,
        unit,
        dueAt: '2017-12-29T09:00:00.000Z',
        leadTime: '7天',
        notificationId: oldId,
      },
    });
  script.project(p, '2017-01-10T00:00:00.000Z', {
    type: 'ProjectStarted',
    data: {
      itemId: p,
      kind: 'major_project',
      title: '学前教育行动计划',
      section: '学前教育',
      leadUnit: '基教处',
      coUnits: [],
      targets: [],
      milestones: [milestonePlan(p, '2017-12-29T09:00:00.000Z', [])],
    },
  });
  script.project(p, '2017-01-10T00:00:00.000Z', { type: 'MilestoneOpened', data: { milestoneId: m } });
  script.project(p, '2017-01-10T00:00:00.000Z', {
    type: 'AssignmentCreated',
    data: {
      milestoneId: m,
      assignmentId: `${m}/lead`,
      unit: '基教处',
      role: 'lead',
      dueAt: '2017-12-29T09:00:00.000Z',
    },
  });
  remind('基教处');
  script.project(
    p,
    '2017-12-23T09:00:00.000Z',
    {
      type: 'AssignmentReassigned',
      data: { assignmentId: `${m}/lead`, fromUnit: '基教处', toUnit: '职成教处', reason: '职能调整' },
    },
    inspector,
  );
  remind('职成教处');
  return { events: script.events, oldId };
}

describe('notice ids: every recipient and occurrence its own notice', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase();
  });
  afterEach(async () => {
    await t.drop();
  });

  const outbox = (cycleId: string) =>
    t.db
      .selectFrom('notifications')
      .select(['notification_id', 'unit', 'status'])
      .where('cycle_id', '=', cycleId)
      .orderBy('created_at')
      .orderBy('notification_id')
      .execute();

  it('keeps the new unit’s notice after 转办 even when an old run gave it the old unit’s id', async () => {
    const { events, oldId } = legacyReassignedStream('c-legacy');
    await appendInOrder(t.db, events);
    const second = events.at(-1)!;
    expect(await outbox('c-legacy')).toEqual([
      { notification_id: oldId, unit: '基教处', status: 'pending' },
      { notification_id: `${oldId}@${second.eventId}`, unit: '职成教处', status: 'pending' },
    ]);
    const notices = await t.db
      .selectFrom('notices')
      .select(['notification_id', 'unit'])
      .orderBy('sent_at')
      .execute();
    expect(notices).toEqual([
      { notification_id: oldId, unit: '基教处' },
      { notification_id: `${oldId}@${second.eventId}`, unit: '职成教处' },
    ]);
  });

  it('records, on upgrade, the notices an old outbox dropped: failed, with the reason, never sent late', async () => {
    const { events, oldId } = legacyReassignedStream('c-upgrade');
    await appendInOrder(t.db, events);
    // The database as the old code left it: the second notice never reached the outbox.
    const second = events.at(-1)!;
    await sql`DELETE FROM notifications WHERE event_id = ${second.eventId}`.execute(t.db);
    await keepNoticesApart(t.db);
    const rows = await outbox('c-upgrade');
    expect(rows).toEqual([
      { notification_id: oldId, unit: '基教处', status: 'pending' },
      { notification_id: `${oldId}@${second.eventId}`, unit: '职成教处', status: 'failed' },
    ]);
    const attempts = await t.db
      .selectFrom('notification_attempts')
      .select(['notification_id', 'detail'])
      .execute();
    expect(attempts).toEqual([
      { notification_id: `${oldId}@${second.eventId}`, detail: expect.stringMatching(/重复/) },
    ]);
    // Run again (a migration re-run, a second upgrade): nothing more.
    await keepNoticesApart(t.db);
    expect(await outbox('c-upgrade')).toHaveLength(2);
  });
});
