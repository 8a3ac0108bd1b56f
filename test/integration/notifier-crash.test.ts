import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { appendEvents } from '../../db/event-store';
import { setUnitChannel } from '../../db/unit-channels';
import type { DomainEvent } from '../../domain/events';
import { deliveryIdOf } from '../../worker/channels/channel';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startReceiver } from '../support/receiver';
import { waitFor } from '../support/wait';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');

const reminder: DomainEvent = {
  eventId: 'p1#1',
  streamId: 'p1',
  seq: 1,
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
    notificationId: 'n-crash',
  },
};

/**
 * The notifier process is SIGKILLed after its webhook reached the receiver and before it recorded
 * the outcome. A second notifier takes the notice over when the lease runs out and sends it again
 * with the same delivery id: the receiver, deduplicating on it, sees the notice once, and the
 * record says it was delivered, with the interrupted attempt before it.
 */
describe('notifier crash between send and record', () => {
  let t: TestDatabase;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await t.drop();
  });

  const notifier = () => {
    const child = spawn(process.execPath, [cli, 'notifier'], {
      env: { ...process.env, DATABASE_URL: t.url, DUDAO_NOTIFIER_LEASE_SECONDS: '2', DUDAO_WEBHOOK_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    return { child, output: () => output };
  };

  it('delivers the notice once as a deduplicating receiver sees it, and records it so', async () => {
    const deliveries = new Map<string, number>();
    let hold = true;
    const receiver = await startReceiver((r, res) => {
      const id = String(r.headers['x-dudao-delivery-id']);
      deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
      // The first request is taken in and never answered: the sender dies waiting.
      if (hold) return new Promise(() => undefined);
      res.end(deliveries.get(id)! > 1 ? 'duplicate ignored' : 'ok');
    });
    try {
      await setUnitChannel(t.db, {
        unit: '基教处',
        channel: 'webhook',
        address: `${receiver.url}/notify`,
        secret: null,
        updatedBy: 'test',
      });
      await appendEvents(t.db, [reminder]);

      const first = notifier();
      await waitFor(async () => receiver.received.length === 1, 30_000);
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      const stranded = await t.db.selectFrom('notifications').selectAll().executeTakeFirstOrThrow();
      expect(stranded).toMatchObject({ status: 'sending', attempts: 1, delivered_at: null });

      hold = false;
      const second = notifier();
      await waitFor(
        async () =>
          (await t.db.selectFrom('notifications').select('status').executeTakeFirstOrThrow()).status ===
          'delivered',
        30_000,
      );
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));

      // Two requests on the wire, one delivery id: the deduplicating receiver has the notice once.
      expect(receiver.received).toHaveLength(2);
      expect([...deliveries]).toEqual([[deliveryIdOf('n-crash'), 2]]);
      expect(
        await t.db
          .selectFrom('notification_attempts')
          .select(['status', 'channel', 'detail'])
          .orderBy('id')
          .execute(),
      ).toEqual([
        {
          status: 'interrupted',
          channel: 'webhook',
          detail: expect.stringMatching(/发送后、记录结果前中断/),
        },
        { status: 'delivered', channel: 'webhook', detail: 'HTTP 200' },
      ]);
      expect(await t.db.selectFrom('notifications').selectAll().executeTakeFirstOrThrow()).toMatchObject({
        status: 'delivered',
        attempts: 2,
        claimed_until: null,
      });
      expect(second.output()).toMatch(/通知投递已启动/);
    } finally {
      await receiver.close();
    }
  });
});
