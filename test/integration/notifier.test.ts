import { sql } from 'kysely';
import { appendEvents } from '../../db/event-store';
import { connectDatabase } from '../../db/connect';
import { setUnitChannel } from '../../db/unit-channels';
import type { DomainEvent } from '../../domain/events';
import { deliverPending, notifierConfig, startNotifier, type NotifierConfig } from '../../worker/notifier';
import { deliveryIdOf, type Channel } from '../../worker/channels/channel';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startReceiver } from '../support/receiver';
import { waitFor } from '../support/wait';

const reminder = (seq: number, unit = '基教处'): DomainEvent => ({
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
    unit,
    dueAt: '2017-12-29T09:00:00.000Z',
    leadTime: '7天',
    notificationId: `n${seq}`,
  },
});

/** A configuration with only the channels a test gives; the log lines it writes are kept. */
function config(channels: Partial<NotifierConfig['channels']>, overrides: Partial<NotifierConfig> = {}) {
  const lines: string[] = [];
  const base = notifierConfig({ write: () => undefined, log: (l) => lines.push(l) }, {});
  return { lines, config: { ...base, channels: { ...base.channels, ...channels }, ...overrides } };
}
const notice = (db: TestDatabase['db'], id: string) =>
  db.selectFrom('notifications').selectAll().where('notification_id', '=', id).executeTakeFirstOrThrow();
const attemptsOf = (db: TestDatabase['db'], id: string) =>
  db
    .selectFrom('notification_attempts')
    .select(['status', 'ok', 'channel', 'detail'])
    .where('notification_id', '=', id)
    .orderBy('id')
    .execute();
const dueNow = (db: TestDatabase['db']) =>
  db
    .updateTable('notifications')
    .set({ next_attempt_at: new Date(0).toISOString() })
    .execute();

/** The outbox: written with the event, claimed and recorded before it is sent, its outcome after. */
describe('notification delivery', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase();
  });
  afterEach(async () => t.drop());

  it('records the attempt as sending before the channel is called, and the outcome after', async () => {
    await appendEvents(t.db, [reminder(1)]);
    const seenWhileSending: unknown[] = [];
    const log: Channel = {
      name: 'log',
      async deliver(n) {
        seenWhileSending.push({
          notice: (await notice(t.db, 'n1')).status,
          attempts: await attemptsOf(t.db, 'n1'),
          deliveryId: n.deliveryId,
        });
        return 'ok';
      },
    };
    expect(await deliverPending(t.db, config({ log }).config)).toBe(1);
    expect(seenWhileSending).toEqual([
      {
        notice: 'sending',
        attempts: [{ status: 'sending', ok: null, channel: 'log', detail: '' }],
        deliveryId: deliveryIdOf('n1'),
      },
    ]);
    expect(await attemptsOf(t.db, 'n1')).toEqual([
      { status: 'delivered', ok: true, channel: 'log', detail: 'ok' },
    ]);
    expect(await notice(t.db, 'n1')).toMatchObject({ status: 'delivered', attempts: 1, claimed_until: null });
  });

  it('retries a failed delivery after its backoff, every attempt on the record and in the log', async () => {
    await appendEvents(t.db, [reminder(1)]);
    let failures = 1;
    const flaky: Channel = {
      name: 'log',
      async deliver() {
        if (failures-- > 0) throw new Error('通道暂不可用');
        return 'ok';
      },
    };
    const { config: c, lines } = config({ log: flaky });
    expect(await deliverPending(t.db, c)).toBe(1);
    expect(await notice(t.db, 'n1')).toMatchObject({ status: 'pending', attempts: 1, unit: '基教处' });
    expect(lines).toEqual([expect.stringMatching(/n1（基教处）第 1 次投递失败：通道暂不可用/)]);
    // Not due again until its backoff passes.
    expect(await deliverPending(t.db, c)).toBe(0);
    await dueNow(t.db);
    expect(await deliverPending(t.db, c)).toBe(1);
    expect(await attemptsOf(t.db, 'n1')).toEqual([
      { status: 'failed', ok: false, channel: 'log', detail: '通道暂不可用' },
      { status: 'delivered', ok: true, channel: 'log', detail: 'ok' },
    ]);
    expect((await notice(t.db, 'n1')).status).toBe('delivered');
  });

  it('records each notice in its own transaction: one failing statement does not undo the others', async () => {
    await appendEvents(t.db, [reminder(1), reminder(2), reminder(3)]);
    // The record of n2's outcome fails (as a full disk or a lost connection would).
    await sql`CREATE FUNCTION refuse_n2() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full'; END $$`.execute(t.db);
    await sql`CREATE TRIGGER refuse_n2 BEFORE UPDATE ON notifications FOR EACH ROW
      WHEN (NEW.notification_id = 'n2' AND NEW.status <> 'sending') EXECUTE FUNCTION refuse_n2()`.execute(
      t.db,
    );
    const sent: string[] = [];
    const log: Channel = {
      name: 'log',
      async deliver(n) {
        sent.push(n.notificationId);
        return 'ok';
      },
    };
    const { config: c, lines } = config({ log });
    expect(await deliverPending(t.db, c)).toBe(3);
    expect(sent).toEqual(['n1', 'n2', 'n3']);
    expect((await notice(t.db, 'n1')).status).toBe('delivered');
    expect((await notice(t.db, 'n3')).status).toBe('delivered');
    // n2 was sent but its outcome is not recorded: it stays claimed, and the log says so.
    expect((await notice(t.db, 'n2')).status).toBe('sending');
    expect(lines).toEqual([
      expect.stringMatching(/n2 的投递结果未能记录（disk full）：租约到期后将以同一投递编号重发/),
    ]);

    // Once its lease runs out it is sent again with the same delivery id; the lost attempt is marked.
    await sql`DROP TRIGGER refuse_n2 ON notifications`.execute(t.db);
    await t.db
      .updateTable('notifications')
      .set({ claimed_until: new Date(0).toISOString() })
      .execute();
    expect(await deliverPending(t.db, c)).toBe(1);
    expect(await attemptsOf(t.db, 'n2')).toEqual([
      { status: 'interrupted', ok: null, channel: 'log', detail: expect.stringMatching(/结果未知/) },
      { status: 'delivered', ok: true, channel: 'log', detail: 'ok' },
    ]);
    expect(await notice(t.db, 'n2')).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('never marks a notice delivered when its channel is not configured: a failed attempt with the reason', async () => {
    // As before the unit directory: DUDAO_WEBHOOK_URL set where the event was recorded, not where the
    // notifier runs. The webhook channel is chosen, its address is missing.
    await appendEvents(t.db, [reminder(1)]);
    const written: string[] = [];
    const { config: c, lines } = config({}, { fallback: 'webhook' });
    c.channels.log = { name: 'log', deliver: async (n) => (written.push(n.notificationId), 'ok') };
    expect(await deliverPending(t.db, c)).toBe(1);
    expect(written).toEqual([]);
    const [attempt] = await attemptsOf(t.db, 'n1');
    expect(attempt).toMatchObject({ status: 'failed', ok: false, channel: 'webhook' });
    expect(attempt!.detail).toBe(
      '基教处未在单位目录登记Webhook，也未设置 DUDAO_WEBHOOK_URL：请运行 dudao unit channel set 基教处 --webhook <地址> 或设置 DUDAO_WEBHOOK_URL',
    );
    expect(await notice(t.db, 'n1')).toMatchObject({ status: 'pending', delivered_at: null });
    expect(lines).toHaveLength(1);

    // The office registers the unit: the waiting notice goes out on its next try.
    const receiver = await startReceiver();
    try {
      await setUnitChannel(t.db, {
        unit: '基教处',
        channel: 'webhook',
        address: `${receiver.url}/notify`,
        secret: null,
        updatedBy: 'test',
      });
      await dueNow(t.db);
      expect(await deliverPending(t.db, c)).toBe(1);
      expect((await notice(t.db, 'n1')).status).toBe('delivered');
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.headers['x-dudao-delivery-id']).toBe(deliveryIdOf('n1'));
      expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
        deliveryId: deliveryIdOf('n1'),
        notificationId: 'n1',
        unit: '基教处',
        subject: expect.stringMatching(/^【催办】p1 将于 2017\/12\/29 到期$/),
        dueAt: '2017-12-29T09:00:00.000Z',
        link: expect.stringMatching(/\/unit\/notices\/n1$/),
      });
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the last attempt, and says so on the record', async () => {
    await appendEvents(t.db, [reminder(1)]);
    const down: Channel = {
      name: 'log',
      deliver: async () => {
        throw new Error('网关超时');
      },
    };
    const { config: c } = config({ log: down }, { maxAttempts: 2 });
    await deliverPending(t.db, c);
    await dueNow(t.db);
    await deliverPending(t.db, c);
    await dueNow(t.db);
    expect(await deliverPending(t.db, c)).toBe(0);
    expect(await notice(t.db, 'n1')).toMatchObject({ status: 'failed', attempts: 2, delivered_at: null });
  });

  it('logs a polling loop that cannot reach its database instead of swallowing the error', async () => {
    const unreachable = connectDatabase('postgres://nobody@127.0.0.1:1/none', 1);
    const { config: c, lines } = config({});
    const notifier = startNotifier(unreachable.db, c, 50);
    try {
      await waitFor(async () => lines.length > 0);
      expect(lines[0]).toMatch(/^通知投递出错：.*ECONNREFUSED/);
    } finally {
      await notifier.stop();
      await unreachable.close();
    }
  });

  it('does not report the poll its own stop cut short (the stack closing its database)', async () => {
    const unreachable = connectDatabase('postgres://nobody@127.0.0.1:1/none', 1);
    const { config: c, lines } = config({});
    // The first poll is under way as the notifier starts; the stop comes before its refusal does.
    const notifier = startNotifier(unreachable.db, c, 50);
    try {
      await notifier.stop();
      expect(lines).toEqual([]);
    } finally {
      await unreachable.close();
    }
  });
});
