import { addUser, Session, startApiStack, type ApiStack } from '../support/api';
import { waitFor } from '../support/wait';

/**
 * The routes the web workspace added: account and token management for the administrator,
 * suspend/resume/cancel of one project for 督导处, and the change stream pages listen to.
 */
describe('workspace API', () => {
  let s: ApiStack;
  let admin: Session;
  let inspector: Session;
  let unit: Session;
  let item: { id: string; lead: string };
  const cycleId = `ws-${Date.now().toString(36)}`;

  beforeAll(async () => {
    s = await startApiStack();
    const major = await s.t.db
      .selectFrom('plan_items')
      .select(['item_id', 'units'])
      .where('kind', '=', 'major_project')
      .orderBy('item_id')
      .executeTakeFirstOrThrow();
    item = { id: major.item_id, lead: major.units[0]! };
    await addUser(s.t.db, 'guanli', 'admin');
    await addUser(s.t.db, 'duchu', 'inspector', '督导处');
    await addUser(s.t.db, 'danwei', 'unit_staff', item.lead);
    admin = await Session.signIn(s.url, 'guanli');
    inspector = await Session.signIn(s.url, 'duchu');
    unit = await Session.signIn(s.url, 'danwei');
  });
  afterAll(() => s?.stop());

  const body = async (res: Response) => ({ status: res.status, ...((await res.json()) as object) });

  it('refuses a unit the plan does not name, listing the known ones, and creates nothing', async () => {
    const res = await admin.post('/api/admin/users', {
      username: 'nobody',
      displayName: '无名',
      role: 'unit_staff',
      unit: '不存在处',
    });
    const answer = (await body(res)) as { status: number; message: string };
    expect(answer.status).toBe(400);
    expect(answer.message).toContain('规划中没有单位“不存在处”');
    expect(answer.message).toContain(item.lead);
    const rows = await s.t.db.selectFrom('users').select('id').where('username', '=', 'nobody').execute();
    expect(rows).toEqual([]);
  });

  it('creates an account with a one-time password, resets it, and refuses everyone but the administrator', async () => {
    await expect(body(await inspector.get('/api/admin/users'))).resolves.toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    const created = await admin.post('/api/admin/users', {
      username: 'xinren',
      displayName: '新人',
      role: 'unit_staff',
      unit: item.lead,
    });
    expect(created.status).toBe(200);
    const { password } = (await created.json()) as { password: string };
    await Session.signIn(s.url, 'xinren', password);
    const reset = await admin.post('/api/admin/users/xinren/reset-password', {});
    const fresh = ((await reset.json()) as { password: string }).password;
    expect(fresh).not.toBe(password);
    await expect(Session.signIn(s.url, 'xinren', password)).rejects.toThrow(/401/);
    await Session.signIn(s.url, 'xinren', fresh);
    await expect(body(await admin.post('/api/admin/users/guanli/disable', {}))).resolves.toMatchObject({
      status: 409,
      message: '不能停用自己的账号',
    });
    const kinds = await s.t.db
      .selectFrom('security_events')
      .select('kind')
      .where('username', '=', 'xinren')
      .execute();
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['user_created', 'password_reset']));
  });

  it('issues a token that works once shown, and stops working when revoked', async () => {
    const res = await admin.post('/api/admin/tokens', { username: 'duchu', label: '脚本' });
    const { id, token } = (await res.json()) as { id: number; token: string };
    const me = () => fetch(`${s.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me()).status).toBe(200);
    expect((await admin.post(`/api/admin/tokens/${id}/revoke`, {})).status).toBe(200);
    expect((await me()).status).toBe(401);
    const listed = await admin.json<{ id: number; revoked_at: string | null }[]>('/api/admin/tokens');
    expect(listed.find((t) => t.id === id)?.revoked_at).not.toBeNull();
  });

  it('lets 督导处 suspend and resume a project, refuses a unit, and pushes each change to listeners', async () => {
    const started = await inspector.post('/api/cycles', {
      name: '工作台接口测试',
      cycleId,
      year: 2017,
      scope: { kinds: ['major_project'], itemIds: [item.id] },
      drill: { yearSeconds: 3600 },
    });
    expect(started.status).toBe(200);
    await waitFor(async () => (await inspector.json<unknown[]>(`/api/board?cycle=${cycleId}`)).length === 1);

    // A page listening for changes: it hears one when the project is suspended.
    const controller = new AbortController();
    const stream = await fetch(`${s.url}/api/changes`, {
      headers: { cookie: inspector.cookie },
      signal: controller.signal,
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    let heard = '';
    const hear = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        heard += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);
    await waitFor(async () => heard.includes('event: ready'));

    const act = { cycleId, itemId: item.id, reason: '等待批复' };
    await expect(body(await unit.post('/api/actions/suspend', act))).resolves.toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    const suspended = await inspector.post('/api/actions/suspend', act);
    expect(suspended.status).toBe(200);
    expect(((await suspended.json()) as { state: { status: string } }).state.status).toBe('suspended');
    await waitFor(async () => heard.includes('event: change'), 10_000);
    await expect(body(await inspector.post('/api/actions/suspend', act))).resolves.toMatchObject({
      status: 409,
      message: '项目已处于暂停状态',
    });
    const resumed = await inspector.post('/api/actions/resume', { ...act, reason: '已批复' });
    expect(((await resumed.json()) as { state: { status: string } }).state.status).toBe('active');
    controller.abort();
    await hear;
  });

  it('shows the administrator the board read-only and the security log', async () => {
    expect((await admin.get(`/api/board?cycle=${cycleId}`)).status).toBe(200);
    await expect(
      body(await admin.post('/api/actions/suspend', { cycleId, itemId: item.id, reason: 'x' })),
    ).resolves.toMatchObject({ status: 403 });
    const log = await admin.json<{ kind: string }[]>('/api/admin/security-log');
    expect(log.map((e) => e.kind)).toEqual(expect.arrayContaining(['token_revoked', 'permission_denied']));
  });
});
