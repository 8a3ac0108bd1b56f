import { sql } from 'kysely';
// The API first: it extends zod with .openapi before the domain schemas load.
import { addUser, Session, startApiStack, type ApiStack } from '../support/api';
import { appendEvents } from '../../db/event-store';
import { createApiToken } from '../../app/identity/tokens';
import type { DomainEvent } from '../../domain/events';
import { noticesReport } from '../../reports/builders';

/** Notification ids as the workflows build them: slashes, an instant, Chinese. */
const idOf = (unit: string) => `project-c1-mp-01/mp-01/2017/${unit}/remind/2017-12-29T09:00:00.000Z/7天`;
const reminder = (seq: number, unit: string): DomainEvent => ({
  eventId: `project-c1-mp-01#${seq}`,
  streamId: 'project-c1-mp-01',
  seq,
  schemaVersion: 1,
  at: '2017-12-22T08:00:00.000Z',
  actor: { userId: 'dudao', role: 'system', unit: null },
  cycleId: 'c1',
  projectId: 'mp-01',
  milestoneId: 'mp-01/2017',
  causationId: 'timer',
  type: 'ReminderSent',
  data: {
    milestoneId: 'mp-01/2017',
    assignmentId: `mp-01/2017/${unit}`,
    unit,
    dueAt: '2017-12-29T09:00:00.000Z',
    leadTime: '7天',
    notificationId: idOf(unit),
  },
});

/** Read receipts: a unit opens its own notices in the workspace or through the API; each opening is on the record. */
describe('notices and read receipts', () => {
  let s: ApiStack;
  let lead: Session;
  let head: Session;
  let other: Session;
  let inspector: Session;
  const mine = idOf('基教处');
  const readUrl = `/api/notices/${encodeURIComponent(mine)}/read`;
  const notice = () =>
    s.t.db
      .selectFrom('notifications')
      .selectAll()
      .where('notification_id', '=', mine)
      .executeTakeFirstOrThrow();
  const reads = () =>
    s.t.db
      .selectFrom('notification_reads')
      .select(['notification_id', 'unit', 'username', 'role', 'via'])
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    s = await startApiStack();
    await appendEvents(s.t.db, [reminder(1, '基教处'), reminder(2, '计财处')]);
    await addUser(s.t.db, 'lead', 'unit_staff', '基教处');
    await addUser(s.t.db, 'head', 'unit_head', '基教处');
    await addUser(s.t.db, 'other', 'unit_staff', '计财处');
    await addUser(s.t.db, 'insp', 'inspector', '督导处');
    lead = await Session.signIn(s.url, 'lead');
    head = await Session.signIn(s.url, 'head');
    other = await Session.signIn(s.url, 'other');
    inspector = await Session.signIn(s.url, 'insp');
  });
  afterAll(async () => s.stop());

  it('lists a unit its own notices, unread', async () => {
    const list =
      await lead.json<{ notificationId: string; openedAt: string | null; subject: string }[]>('/api/notices');
    expect(list).toEqual([
      expect.objectContaining({
        notificationId: mine,
        openedAt: null,
        subject: '【催办】mp-01 将于 2017/12/29 到期',
      }),
    ]);
    expect((await other.get(`/api/notices?unit=${encodeURIComponent('基教处')}`)).status).toBe(403);
  });

  it('lets nobody but the receiving unit open a notice, and writes nothing when refused', async () => {
    for (const session of [other, inspector]) {
      const res = await session.post(readUrl, {});
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toBe(
        '该通知发给基教处，只能由基教处的人员查阅确认',
      );
    }
    expect((await other.get(`/unit/notices/${encodeURIComponent(mine)}`)).status).toBe(403);
    expect((await lead.post(`/api/notices/${encodeURIComponent('no-such-notice')}/read`, {})).status).toBe(
      404,
    );
    expect(await reads()).toEqual([]);
    expect((await notice()).opened_at).toBeNull();
    const denied = await s.t.db
      .selectFrom('security_events')
      .select('username')
      .where('kind', '=', 'permission_denied')
      .execute();
    // The earlier list of another unit's notices, the API open, the workspace open; the inspector's open.
    expect(denied.map((d) => d.username).sort()).toEqual(['insp', 'other', 'other', 'other']);
  });

  it('records the first opening through the API, and keeps it when the unit opens the notice again', async () => {
    const res = await lead.post(readUrl, {});
    expect(res.status).toBe(200);
    const opened = (await res.json()) as { openedAt: string };
    expect(opened.openedAt).toEqual(new Date((await notice()).opened_at!).toISOString());

    // The unit head follows the link of the DingTalk card into the workspace.
    const page = await head.get(`/unit/notices/${encodeURIComponent(mine)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('【催办】mp-01 将于 2017/12/29 到期');
    // A script with a token opens it too.
    const token = await createApiToken(s.t.db, 'lead', '脚本', 'test');
    const scripted = await fetch(`${s.url}${readUrl}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(scripted.status).toBe(200);

    expect(new Date((await notice()).opened_at!).toISOString()).toBe(opened.openedAt);
    expect(await reads()).toEqual([
      { notification_id: mine, unit: '基教处', username: 'lead', role: 'unit_staff', via: 'api' },
      { notification_id: mine, unit: '基教处', username: 'head', role: 'unit_head', via: 'web' },
      { notification_id: mine, unit: '基教处', username: 'lead', role: 'unit_staff', via: 'api' },
    ]);
    // The record of who opened what cannot be edited.
    await expect(sql`UPDATE notification_reads SET username = 'x'`.execute(s.t.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('shows the unit workspace which notices are read, and the report who read them', async () => {
    const page = await (await lead.get('/unit')).text();
    expect(page).toContain('催办督办通知（未读 0）');
    expect(page).toMatch(/<li class="read" data-notice="[^"]+">/);
    const unreadPage = await (await other.get('/unit')).text();
    expect(unreadPage).toContain('催办督办通知（未读 1）');

    // The notices read model is not fed by these hand-made events' cycle; the report reads the outbox.
    const report = await noticesReport(s.t.db, {
      schema: 'public',
      cycleId: 'c1',
      at: '2017-12-31T00:00:00.000Z',
    });
    const rows = report.tables[1]!.rows;
    expect(rows.find((r) => r.unit === '基教处')).toMatchObject({
      opened_by: 'lead',
      unread_for: expect.stringMatching(/后查阅$/),
    });
    expect(rows.find((r) => r.unit === '计财处')).toMatchObject({
      opened: '未查阅',
      unread_for: expect.stringMatching(/（仍未读）$/),
    });
    expect(report.tables[0]!.rows).toEqual([
      expect.objectContaining({ unit: '基教处', opened: 1, unread: 0 }),
      expect.objectContaining({ unit: '计财处', opened: 0, unread: 1 }),
    ]);
  });
});
