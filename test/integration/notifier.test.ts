import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendEvents } from '../../db/event-store';
import type { DomainEvent } from '../../domain/events';
import { deliverPending, webhookChannel, type Channel } from '../../worker/notifier';
import { freshDatabase, type TestDatabase } from '../support/db';

const reminder = (seq: number): DomainEvent => ({
  eventId: `s#${seq}`,
  streamId: 's',
  seq,
  schemaVersion: 1,
  at: '2017-12-22T08:00:00.000Z',
  actor: { userId: 'dudao', role: 'system', unit: null },
  cycleId: 'c1',
  projectId: 'p1',
  milestoneId: 'p1/2017',
  causationId: 'timer',
  type: 'ReminderSent',
  data: {
    milestoneId: 'p1/2017',
    assignmentId: 'p1/2017/lead',
    unit: '基教处',
    dueAt: '2017-12-29T09:00:00.000Z',
    leadTime: '7天',
    notificationId: `n${seq}`,
  },
});

/** The outbox: written with the event, delivered after it, every attempt on the record. */
describe('notification delivery', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(async () => t.drop());

  it('queues a notice with its event, retries a failed delivery and records every attempt', async () => {
    await appendEvents(t.db, [reminder(1)]);
    let failures = 1;
    const flaky: Channel = {
      name: 'log',
      async deliver() {
        if (failures-- > 0) throw new Error('通道暂不可用');
        return 'ok';
      },
    };
    expect(await deliverPending(t.db, { log: flaky })).toBe(1);
    const afterFailure = await t.db.selectFrom('notifications').selectAll().executeTakeFirstOrThrow();
    expect(afterFailure).toMatchObject({ status: 'pending', attempts: 1, unit: '基教处' });
    expect(afterFailure.subject).toMatch(/催办/);
    // Not due again until its backoff passes: nothing is delivered on the next poll.
    expect(await deliverPending(t.db, { log: flaky })).toBe(0);
    await t.db
      .updateTable('notifications')
      .set({ next_attempt_at: new Date(0).toISOString() })
      .execute();
    expect(await deliverPending(t.db, { log: flaky })).toBe(1);
    const attempts = await t.db
      .selectFrom('notification_attempts')
      .select(['ok', 'detail'])
      .orderBy('id')
      .execute();
    expect(attempts).toEqual([
      { ok: false, detail: '通道暂不可用' },
      { ok: true, detail: 'ok' },
    ]);
    expect(await t.db.selectFrom('notifications').select('status').executeTakeFirstOrThrow()).toEqual({
      status: 'delivered',
    });
  });

  it('posts a notice to a webhook', async () => {
    const received: unknown[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
      const detail = await webhookChannel(url).deliver({
        notificationId: 'n9',
        unit: '计财处',
        subject: '【催办】',
        body: '请按时报送',
      });
      expect(detail).toBe('HTTP 200');
      expect(received).toEqual([
        { notificationId: 'n9', unit: '计财处', subject: '【催办】', body: '请按时报送' },
      ]);
    } finally {
      server.close();
    }
  });
});
