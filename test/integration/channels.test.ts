import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { defaultPolicy } from '../../domain/policy';
import { listUnitChannels } from '../../db/unit-channels';
import { deliverPending, notifierConfig } from '../../worker/notifier';
import { deliveryIdOf, type OutgoingNotice } from '../../worker/channels/channel';
import { wecomMessage } from '../../worker/channels/wecom';
import { freshDatabase, type TestDatabase } from '../support/db';
import { appendEvents } from '../../db/event-store';
import { appendInOrder, demoCycle } from '../support/event-builder';
import { startReceiver, type Received } from '../support/receiver';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');
const SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';

/** A DingTalk robot as its documentation describes it: checks 加签 and answers { errcode, errmsg }. */
const dingtalkRobot = (r: Received): { errcode: number; errmsg: string } => {
  const q = new URL(r.path, 'http://robot').searchParams;
  const timestamp = q.get('timestamp') ?? '';
  const expected = createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64');
  if (q.get('access_token') !== 'ding-token') return { errcode: 300001, errmsg: 'token is not exist' };
  if (Math.abs(Date.now() - Number(timestamp)) > 3_600_000)
    return { errcode: 310000, errmsg: 'timestamp expired' };
  if (q.get('sign') !== expected) return { errcode: 310000, errmsg: 'sign not match' };
  return { errcode: 0, errmsg: 'ok' };
};
const json = (r: Received) => JSON.parse(r.body) as Record<string, Record<string, string>>;

/** The channels offices use, each against a local receiver that speaks its protocol. */
describe('DingTalk, WeCom and e-mail notices chosen per unit', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase();
  });
  afterEach(async () => t.drop());

  const dudao = (...args: string[]) =>
    spawnSync(process.execPath, [cli, 'unit', 'channel', ...args], {
      env: { ...process.env, DATABASE_URL: t.url },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const attempts = () =>
    t.db
      .selectFrom('notification_attempts')
      .select(['notification_id', 'status', 'channel', 'detail'])
      .orderBy('id')
      .execute();

  it('sends each unit its card on the channel in the unit directory: DingTalk signed, WeCom markdown', async () => {
    const ding = await startReceiver((r, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(dingtalkRobot(r)));
    });
    const wecom = await startReceiver((_r, res) => res.end('{"errcode":0,"errmsg":"ok"}'));
    try {
      const set1 = dudao(
        'set',
        '基教处',
        '--dingtalk',
        `${ding.url}/robot/send?access_token=ding-token`,
        '--secret',
        SECRET,
      );
      expect({ status: set1.status, stderr: set1.stderr }).toEqual({ status: 0, stderr: '' });
      expect(set1.stdout).toMatch(/已设置基教处的通知渠道：钉钉群机器人（.*），已启用加签。/);
      expect(dudao('set', '规划处', '--wecom', `${wecom.url}/cgi-bin/webhook/send?key=wx-key`).status).toBe(
        0,
      );
      const listed = dudao('list');
      expect(listed.stdout).toMatch(/基教处\s+钉钉群机器人\s+\S+\s+SEC012…（已隐藏）/);
      expect(listed.stdout).not.toContain(SECRET);

      // The notifier runs beside the workflows: each notice goes out as its event is recorded, so its
      // card shows the milestone's colour at that moment.
      const c = notifierConfig(
        { write: () => undefined, log: () => undefined },
        { DUDAO_PUBLIC_URL: 'https://dudao.example.gov.cn' },
      );
      let sent = 0;
      for (const event of demoCycle().events) {
        await appendEvents(t.db, [event]);
        sent += await deliverPending(t.db, c);
      }
      expect(sent).toBe(5);
      expect((await attempts()).map((a) => [a.notification_id, a.status, a.channel])).toEqual([
        ['n-p1-r1', 'delivered', 'dingtalk'],
        ['n-p3-r1', 'delivered', 'wecom'],
        ['n-p3-r2', 'delivered', 'wecom'],
        ['n-p3-e1', 'delivered', 'wecom'],
        ['n-p3-e2', 'delivered', 'wecom'],
      ]);

      // DingTalk: a markdown message; the project, the deadline, the colour at the notice's time, a link.
      expect(ding.received).toHaveLength(1);
      const d = json(ding.received[0]!);
      expect(d.msgtype).toBe('markdown' as never);
      expect(d.markdown!.title).toBe('【催办】p1 将于 2017/6/30 到期');
      expect(d.markdown!.text).toBe(
        [
          '#### 【催办】p1 将于 2017/6/30 到期',
          '**项目**：p1 学前教育三年行动计划',
          '**期限**：2017年6月30日',
          // 09:00 on 23 June is eight hours before the 7-day amber window opens: the board is green.
          '**状态**：🟢 绿灯',
          '> 基教处：您承办的事项（p1/m1）将于 2017/6/30 到期（提前 7天 催办），请按时报送进展及佐证材料。',
          '[查看通知并确认已读](https://dudao.example.gov.cn/unit/notices/n-p1-r1)',
          `###### 投递编号 ${deliveryIdOf('n-p1-r1')}`,
        ].join('\n\n'),
      );

      // WeCom: markdown content with its named colours; the 督办 after the deadline is red.
      expect(wecom.received.map((r) => new URL(r.path, 'http://x').searchParams.get('key'))).toEqual([
        'wx-key',
        'wx-key',
        'wx-key',
        'wx-key',
      ]);
      const e1 = json(wecom.received[2]!);
      expect(e1.msgtype).toBe('markdown' as never);
      expect(e1.markdown!.content).toBe(
        [
          '### 【督办·1级】p3 已逾期',
          '> 项目：<font color="comment">p3 中小学校舍建设工程</font>',
          '> 期限：<font color="warning">2017年6月30日</font>',
          '> 状态：<font color="warning">🔴 红灯</font>',
          '规划处承办的事项（p3/m1）已超过期限 2017/6/30 仍未办结，现升级为1级督办，通知单位负责人。',
          '[查看通知并确认已读](https://dudao.example.gov.cn/unit/notices/n-p3-e1)',
          `<font color="comment">投递编号 ${deliveryIdOf('n-p3-e1')}</font>`,
        ].join('\n'),
      );
    } finally {
      await ding.close();
      await wecom.close();
    }
  });

  it('records a robot that refuses the message (a wrong 加签 secret) as a failed attempt with its errcode', async () => {
    const ding = await startReceiver((r, res) => res.end(JSON.stringify(dingtalkRobot(r))));
    try {
      expect(
        dudao(
          'set',
          '基教处',
          '--dingtalk',
          `${ding.url}/robot/send?access_token=ding-token`,
          '--secret',
          'SECwrong',
        ).status,
      ).toBe(0);
      await appendInOrder(t.db, demoCycle().events);
      const lines: string[] = [];
      await deliverPending(t.db, notifierConfig({ write: () => undefined, log: (l) => lines.push(l) }, {}));
      expect((await attempts()).find((a) => a.notification_id === 'n-p1-r1')).toMatchObject({
        status: 'failed',
        channel: 'dingtalk',
        detail: '钉钉拒绝：errcode 310000，sign not match',
      });
      expect(lines.join('\n')).toMatch(/n-p1-r1（基教处）第 1 次投递失败：钉钉拒绝/);
    } finally {
      await ding.close();
    }
  });

  it('uses the cycle policy default for a unit with no directory entry', async () => {
    const wecom = await startReceiver((_r, res) => res.end('{"errcode":0,"errmsg":"ok"}'));
    try {
      await appendInOrder(
        t.db,
        demoCycle({ ...defaultPolicy(), scoringBaseline: 'original', notifyChannel: 'wecom' }).events,
      );
      const c = notifierConfig(
        { write: () => undefined, log: () => undefined },
        { DUDAO_WECOM_WEBHOOK: `${wecom.url}/office` },
      );
      expect(await deliverPending(t.db, c)).toBe(5);
      expect(new Set((await attempts()).map((a) => `${a.status}/${a.channel}`))).toEqual(
        new Set(['delivered/wecom']),
      );
      expect(wecom.received).toHaveLength(5);
    } finally {
      await wecom.close();
    }
  });

  it('sends e-mail over SMTP with a Message-ID derived from the delivery id', async () => {
    const mails: { from: string; to: string[]; raw: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    try {
      expect(dudao('set', '规划处', '--email', 'guihua@jyj.example.gov.cn').status).toBe(0);
      await appendInOrder(t.db, demoCycle().events);
      const c = notifierConfig(
        { write: () => undefined, log: () => undefined },
        { DUDAO_SMTP_URL: `smtp://127.0.0.1:${port}`, DUDAO_MAIL_FROM: '督导处 <duban@jyj.example.gov.cn>' },
      );
      await deliverPending(t.db, c);
      const e1 = (await attempts()).find((a) => a.notification_id === 'n-p3-e1')!;
      expect(e1).toMatchObject({
        status: 'delivered',
        channel: 'email',
        detail: expect.stringMatching(/^SMTP 250/),
      });
      expect(mails).toHaveLength(4);
      const mail = mails.find((m) => m.raw.includes(deliveryIdOf('n-p3-e1')))!;
      expect(mail.from).toBe('duban@jyj.example.gov.cn');
      expect(mail.to).toEqual(['guihua@jyj.example.gov.cn']);
      expect(mail.raw).toMatch(new RegExp(`^Message-ID: <${deliveryIdOf('n-p3-e1')}@dudao>`, 'mi'));
      expect(mail.raw).toMatch(new RegExp(`^X-Dudao-Delivery-Id: ${deliveryIdOf('n-p3-e1')}`, 'mi'));
      expect(decodedBody(mail.raw)).toContain('现升级为1级督办');
      expect(decodedBody(mail.raw)).toContain('状态：🔴 红灯');
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('fails an e-mail notice with the reason when no SMTP server is configured', async () => {
    expect(dudao('set', '规划处', '--email', 'guihua@jyj.example.gov.cn').status).toBe(0);
    await appendInOrder(t.db, demoCycle().events);
    await deliverPending(t.db, notifierConfig({ write: () => undefined, log: () => undefined }, {}));
    expect((await attempts()).find((a) => a.notification_id === 'n-p3-e1')).toMatchObject({
      status: 'failed',
      channel: 'email',
      detail: '未配置 SMTP 服务器（DUDAO_SMTP_URL）',
    });
  });

  it('refuses a bad directory entry in Chinese and stores nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['set', '基教处', '--dingtalk', 'not a url'], /不是有效的 http\(s\) 地址/],
      [['set', '基教处', '--email', 'nobody'], /不是有效的邮箱地址/],
      [
        ['set', '基教处', '--wecom', 'https://qyapi.example/x', '--email', 'a@b.cn'],
        /请为基教处指定且只指定一个渠道/,
      ],
      [['set', '基教处'], /请为基教处指定且只指定一个渠道/],
      [['set', '基教处', '--wecom', 'https://qyapi.example/x', '--secret', 's'], /--secret 只用于钉钉/],
      [['remove', '基教处'], /单位目录中没有“基教处”/],
    ];
    for (const [args, message] of cases) {
      const r = dudao(...args);
      expect({ args, status: r.status }).toEqual({ args, status: 1 });
      expect(r.stderr).toMatch(message);
    }
    expect(await listUnitChannels(t.db)).toEqual([]);
  });

  it('keeps a WeCom message within its 4096-byte limit', () => {
    const long: OutgoingNotice = {
      notificationId: 'n',
      kind: 'reminder',
      cycleId: 'c',
      unit: '基教处',
      subject: '【催办】p1',
      body: '请按时报送。'.repeat(1000),
      projectId: 'p1',
      projectTitle: '学前教育',
      milestoneId: 'p1/m1',
      dueAt: '2017-06-30T09:00:00.000Z',
      colour: 'amber',
      attempts: 1,
      directory: null,
      policyChannel: null,
      deliveryId: deliveryIdOf('n'),
      link: 'https://dudao.example.gov.cn/unit/notices/n',
    };
    const content = wecomMessage(long).markdown.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    expect(content).toMatch(/…\n\[查看通知并确认已读\]/);
  });
});

/** The text part of a simple nodemailer message, decoded from quoted-printable or base64. */
function decodedBody(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/Content-Transfer-Encoding: base64/i.test(head!)) return Buffer.from(body, 'base64').toString('utf8');
  if (/Content-Transfer-Encoding: quoted-printable/i.test(head!)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => `%${h}`);
    return decodeURIComponent(bytes);
  }
  return body;
}
