import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { addUser, PASSWORD, Session, startApiStack, type ApiStack } from '../support/api';
import { waitFor } from '../support/wait';
import { readStream } from '../../db/event-store';
import { createApiToken, revokeApiToken } from '../../app/identity/tokens';
import { cycleWorkflowId, projectWorkflowId } from '../../workflows/ids';
import type { InboxItem } from '../../app/views';
import type { PlanItem } from '../../domain/plan';
import { readDocx } from '../support/docx';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');

type Role = 'inspector' | 'lead' | 'co' | 'other' | 'auditor' | 'admin';

/**
 * The HTTP API against a real worker, Temporal dev server and PostgreSQL: identity, every
 * endpoint, the role × action authorization matrix (a refusal changes neither workflow state nor
 * the event log), and bad input.
 */
describe('HTTP API', () => {
  let s: ApiStack;
  const as = {} as Record<Role, Session>;
  let item: PlanItem;
  const cycleId = `api-${Date.now().toString(36)}`;
  let lead: InboxItem;
  let co: InboxItem;

  beforeAll(async () => {
    s = await startApiStack();
    const plan = await s.t.db
      .selectFrom('plan_items')
      .select(['item_id', 'units'])
      .where('kind', '=', 'major_project')
      .execute();
    const picked = plan.find((p) => p.units.length >= 2)!;
    item = { id: picked.item_id, units: picked.units } as PlanItem;
    const otherUnit = plan.flatMap((p) => p.units).find((u) => !picked.units.includes(u))!;
    await addUser(s.t.db, 'insp', 'inspector', '督导处');
    await addUser(s.t.db, 'lead', 'unit_staff', item.units[0]!);
    await addUser(s.t.db, 'co', 'unit_staff', item.units[1]!);
    await addUser(s.t.db, 'other', 'unit_staff', otherUnit);
    await addUser(s.t.db, 'aud', 'auditor');
    const names: Record<Role, string> = {
      inspector: 'insp',
      lead: 'lead',
      co: 'co',
      other: 'other',
      auditor: 'aud',
      admin: 'admin',
    };
    // The first administrator exists with a password printed once; give it a known one for the test.
    await addUser(s.t.db, 'admin2', 'admin');
    names.admin = 'admin2';
    for (const [role, name] of Object.entries(names)) as[role as Role] = await Session.signIn(s.url, name);
  });
  afterAll(async () => s?.stop());

  const projectState = async () =>
    (
      (await s.stack.client.workflow
        .getHandle(projectWorkflowId(cycleWorkflowId(cycleId), item.id))
        .query('state')) as {
        state: unknown;
      }
    ).state;
  const events = () => readStream(s.t.db, projectWorkflowId(cycleWorkflowId(cycleId), item.id));
  const expectError = async (res: Response, status: number, code?: string) => {
    const body = (await res.json()) as { code: string; message: string };
    expect({ status: res.status, code: body.code }).toEqual({ status, code: code ?? body.code });
    expect(body.message).toMatch(/[\u4e00-\u9fff]/); // a Chinese message
    return body;
  };

  describe('identity', () => {
    it('created the first administrator once, signs in with an HttpOnly SameSite=Strict cookie and sets security headers', async () => {
      const admins = await s.t.db
        .selectFrom('users')
        .select('username')
        .where('role', '=', 'admin')
        .execute();
      expect(admins.map((a) => a.username)).toEqual(['admin', 'admin2']);
      const res = await fetch(`${s.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'insp', password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/);
      expect(res.headers.get('set-cookie')).toMatch(/SameSite=Strict/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      const me = await as.lead.json<{ role: string; unit: string }>('/api/me');
      expect(me).toMatchObject({ role: 'unit_staff', unit: item.units[0] });
      const hash = await s.t.db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', 'insp')
        .executeTakeFirstOrThrow();
      expect(hash.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    });

    it('refuses a wrong password, then throttles the user and address after 5 failures (429)', async () => {
      await addUser(s.t.db, 'victim', 'auditor');
      const attempt = (password: string) =>
        fetch(`${s.url}/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'victim', password }),
        });
      for (let i = 0; i < 5; i++) await expectError(await attempt('wrong-password'), 401, 'bad_credentials');
      await expectError(await attempt(PASSWORD), 429, 'too_many_attempts');
      const kinds = await s.t.db
        .selectFrom('security_events')
        .select('kind')
        .where('username', '=', 'victim')
        .execute();
      expect(kinds.filter((k) => k.kind === 'sign_in_failed')).toHaveLength(5);
      expect(kinds.some((k) => k.kind === 'sign_in_throttled')).toBe(true);
    });

    it('requires sign-in, and the CSRF header on cookie writes', async () => {
      await expectError(await fetch(`${s.url}/api/inbox`), 401, 'unauthenticated');
      const res = await fetch(`${s.url}/api/cycles/x/cancel`, {
        method: 'POST',
        headers: { cookie: as.inspector.cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: '测试' }),
      });
      await expectError(res, 403, 'csrf');
    });

    it('accepts a Bearer token, and refuses it once revoked or expired', async () => {
      const bearer = (token: string) =>
        fetch(`${s.url}/api/cycles`, { headers: { authorization: `Bearer ${token}` } });
      const live = await createApiToken(s.t.db, 'aud', '测试', 'test');
      expect((await bearer(live.token)).status).toBe(200);
      await revokeApiToken(s.t.db, live.id, 'test');
      await expectError(await bearer(live.token), 401, 'invalid_token');
      const old = await createApiToken(s.t.db, 'aud', '过期', 'test', 1);
      await s.t.db
        .updateTable('api_tokens')
        .set({ expires_at: '2000-01-01T00:00:00Z' })
        .where('id', '=', old.id)
        .execute();
      await expectError(await bearer(old.token), 401, 'invalid_token');
      await expectError(await bearer('ddt_not-a-token'), 401, 'invalid_token');
      const stored = await s.t.db.selectFrom('api_tokens').select('token_hash').execute();
      expect(stored.map((r) => r.token_hash)).not.toContain(live.token);
    });

    it('refuses an expired session', async () => {
      const temp = await Session.signIn(s.url, 'aud');
      const aud = await s.t.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'aud')
        .executeTakeFirstOrThrow();
      await s.t.db
        .updateTable('sessions')
        .set({ expires_at: '2000-01-01T00:00:00Z' })
        .where('user_id', '=', aud.id)
        .execute();
      await expectError(await temp.get('/api/cycles'), 401, 'unauthenticated');
      as.auditor = await Session.signIn(s.url, 'aud');
    });

    it('signs out: the session no longer works', async () => {
      const temp = await Session.signIn(s.url, 'aud');
      expect((await temp.request('DELETE', '/api/session')).status).toBe(204);
      await expectError(await temp.get('/api/cycles'), 401, 'unauthenticated');
    });
  });

  it('serves the OpenAPI document generated from the route schemas', async () => {
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/session',
        '/api/plans',
        '/api/plans/{planId}/items',
        '/api/cycles',
        '/api/cycles/{cycleId}/extend',
        '/api/inbox',
        '/api/actions/submit',
        '/api/actions/approve',
        '/api/evidence',
        '/api/timeline/cycles/{cycleId}/projects/{itemId}',
        '/api/reports/{name}',
      ]),
    );
  });

  it('lists plans and their items', async () => {
    const plans = await as.lead.json<{ planId: number }[]>('/api/plans');
    expect(plans).toHaveLength(1);
    const items = await as.auditor.json<PlanItem[]>(
      `/api/plans/${plans[0]!.planId}/items?kind=major_project`,
    );
    expect(items.length).toBe(16);
    await expectError(await as.auditor.get('/api/plans/999/items'), 404, 'not_found');
  });

  describe('cycles', () => {
    const body = () => ({
      name: '接口测试督导',
      cycleId,
      year: 2017,
      scope: { kinds: ['major_project'], itemIds: [item.id] },
      drill: { yearSeconds: 3600 },
    });

    it('refuses a cycle start by anyone but 督导处, and starts nothing', async () => {
      for (const role of ['lead', 'auditor', 'admin'] as const)
        await expectError(await as[role].post('/api/cycles', body()), 403, 'forbidden');
      await expect(s.stack.client.workflow.getHandle(cycleWorkflowId(cycleId)).describe()).rejects.toThrow();
      const denials = await s.t.db
        .selectFrom('security_events')
        .select('username')
        .where('kind', '=', 'permission_denied')
        .execute();
      expect(denials.map((d) => d.username)).toEqual(expect.arrayContaining(['lead', 'aud', 'admin2']));
    });

    it('starts, lists and shows a cycle for 督导处', async () => {
      const res = await as.inspector.post('/api/cycles', body());
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ cycleId, items: 1 });
      await expectError(await as.inspector.post('/api/cycles', body()), 409, 'conflict');
      await waitFor(async () =>
        (await as.auditor.json<{ cycleId: string }[]>('/api/cycles')).some((c) => c.cycleId === cycleId),
      );
      const shown = () => as.lead.json<{ status: string; projects: unknown[] }>(`/api/cycles/${cycleId}`);
      await waitFor(async () => (await shown()).projects.length === 1);
      expect(await shown()).toMatchObject({ status: 'running', projects: [expect.anything()] });
      await expectError(await as.lead.get('/api/cycles/nope'), 404, 'not_found');
    });

    it('lets only 督导处 extend or cancel a cycle', async () => {
      const extend = { submissionDueAt: '2018-01-15', reason: '延长测试' };
      for (const role of ['lead', 'auditor'] as const) {
        await expectError(await as[role].post(`/api/cycles/${cycleId}/extend`, extend), 403, 'forbidden');
        await expectError(
          await as[role].post(`/api/cycles/${cycleId}/cancel`, { reason: '不应生效' }),
          403,
          'forbidden',
        );
      }
      const res = await as.inspector.post(`/api/cycles/${cycleId}/extend`, extend);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { window: { submissionDueAt: string } }).window.submissionDueAt).toBe(
        '2018-01-15T15:59:59.000Z',
      );
    });
  });

  describe('units and reviewers: the authorization matrix', () => {
    beforeAll(async () => {
      await waitFor(
        async () => (await as.lead.json<InboxItem[]>(`/api/inbox?cycle=${cycleId}`)).length > 0,
        30_000,
      );
      await waitFor(
        async () => (await as.co.json<InboxItem[]>(`/api/inbox?cycle=${cycleId}`)).length > 0,
        30_000,
      );
      lead = (await as.lead.json<InboxItem[]>(`/api/inbox?cycle=${cycleId}`))[0]!;
      co = (await as.co.json<InboxItem[]>(`/api/inbox?cycle=${cycleId}`))[0]!;
    });

    it('shows a unit its own inbox only', async () => {
      expect(lead).toMatchObject({ role: 'lead', acknowledged: false, itemId: item.id });
      expect(co.assignmentId).toContain('/co:');
      await expectError(
        await as.lead.get(`/api/inbox?unit=${encodeURIComponent(item.units[1]!)}`),
        403,
        'forbidden',
      );
      await expectError(await as.auditor.get('/api/inbox'), 403, 'forbidden');
      const viaInspector = await as.inspector.json<InboxItem[]>(
        `/api/inbox?unit=${encodeURIComponent(item.units[0]!)}`,
      );
      expect(viaInspector.map((i) => i.milestoneId)).toContain(lead.milestoneId);
      await expectError(await as.other.get(`/api/cycles/${cycleId}/projects/${item.id}`), 403, 'forbidden');
      expect((await as.co.get(`/api/cycles/${cycleId}/projects/${item.id}`)).status).toBe(200);
    });

    /** Each action with its body, and who may do it (given the step is the lead unit's). */
    const actions = () => ({
      acknowledge: {
        url: '/api/actions/acknowledge',
        body: { cycleId, assignmentId: lead.assignmentId },
        allowed: ['lead'],
      },
      submit: {
        url: '/api/actions/submit',
        body: { cycleId, ref: lead.milestoneId, narrative: '进展', values: [], evidence: [] },
        allowed: ['lead'],
      },
      requestExtension: {
        url: '/api/actions/request-extension',
        body: {
          cycleId,
          milestoneId: lead.milestoneId,
          reason: '原因',
          requestedDueAt: '2018-03-31T15:59:59.000Z',
        },
        allowed: ['lead'],
      },
      approve: {
        url: '/api/actions/approve',
        body: { cycleId, milestoneId: lead.milestoneId },
        allowed: ['inspector'],
      },
      return: {
        url: '/api/actions/return',
        body: { cycleId, milestoneId: lead.milestoneId, comment: '请补充' },
        allowed: ['inspector'],
      },
      decideExtension: {
        url: '/api/actions/decide-extension',
        body: { cycleId, requestId: `${lead.milestoneId}/ext-1`, grant: true },
        allowed: ['inspector'],
      },
      reassign: {
        url: '/api/actions/reassign',
        body: { cycleId, assignmentId: co.assignmentId, toUnit: '其他单位', reason: '调整' },
        allowed: ['inspector'],
      },
    });
    const roles: Role[] = ['inspector', 'lead', 'co', 'other', 'auditor', 'admin'];

    it('refuses every role × action outside the matrix with 403, leaving state and the event log unchanged', async () => {
      const before = { state: await projectState(), events: (await events()).length };
      const refused: string[] = [];
      for (const [name, a] of Object.entries(actions()))
        for (const role of roles.filter((r) => !a.allowed.includes(r))) {
          const res = await as[role].post(a.url, a.body);
          const body = await expectError(res, 403, 'forbidden');
          refused.push(`${role}×${name}: ${body.message}`);
        }
      expect(refused).toHaveLength(7 * 5);
      expect(await projectState()).toEqual(before.state);
      expect((await events()).length).toBe(before.events);
    });

    it('lists the board and escalations for 督导处 and auditors only', async () => {
      const board = await as.auditor.json<{ itemId: string; rag: string }[]>(`/api/board?cycle=${cycleId}`);
      expect(board.map((b) => b.itemId)).toEqual([item.id]);
      expect(Array.isArray(await as.inspector.json(`/api/escalations?cycle=${cycleId}`))).toBe(true);
      await expectError(await as.lead.get(`/api/board?cycle=${cycleId}`), 403, 'forbidden');
      await expectError(await as.lead.get(`/api/review-queue?cycle=${cycleId}`), 403, 'forbidden');
    });
    it('allows each action to its role: acknowledge, extension request and decision, submit, return, resubmit, approve, reassign', async () => {
      const ok = async (role: Role, url: string, body: unknown) => {
        const res = await as[role].post(url, body);
        expect([res.status, res.status === 200 ? '' : await res.text()]).toEqual([200, '']);
      };
      const a = actions();
      await ok('lead', a.acknowledge.url, a.acknowledge.body);
      await expectError(await as.lead.post(a.acknowledge.url, a.acknowledge.body), 409, 'conflict');
      await expectError(await as.inspector.post(a.approve.url, a.approve.body), 409);
      await ok('lead', a.requestExtension.url, a.requestExtension.body);
      const queue = await as.inspector.json<{ extensions: { requestId: string }[] }>(
        `/api/review-queue?cycle=${cycleId}`,
      );
      expect(queue.extensions.map((x) => x.requestId)).toEqual([`${lead.milestoneId}/ext-1`]);
      await ok('inspector', a.decideExtension.url, a.decideExtension.body);
      await ok('lead', a.submit.url, a.submit.body);
      await ok('inspector', a.return.url, a.return.body);
      const returned = (await as.lead.json<InboxItem[]>(`/api/inbox?cycle=${cycleId}`))[0]!;
      expect(returned.returnComment).toBe('请补充');
      await ok('lead', a.submit.url, a.submit.body);
      await ok('inspector', a.reassign.url, a.reassign.body);
      // Approving the project's only milestone closes it (and with it the cycle).
      await ok('inspector', a.approve.url, a.approve.body);
      await expectError(await as.inspector.post(a.approve.url, a.approve.body), 404, 'not_found');
      const types = (await events()).map((e) => e.type);
      expect(types).toEqual(
        expect.arrayContaining([
          'AssignmentAcknowledged',
          'ExtensionRequested',
          'ExtensionGranted',
          'ReportSubmitted',
          'ReportReturned',
          'ReportApproved',
          'AssignmentReassigned',
        ]),
      );
      const actors = (await events()).filter((e) => e.type === 'ReportApproved').map((e) => e.actor.userId);
      expect(actors).toEqual(['insp']);
    });
  });

  describe('evidence, timeline, reports', () => {
    const upload = (session: Session, bytes: Buffer, name: string, type: string) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
      return fetch(`${s.url}/api/evidence`, {
        method: 'POST',
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
        body: form,
      });
    };
    const pdf = Buffer.from('%PDF-1.4\n佐证材料\n%%EOF');

    it('stores evidence by SHA-256, refuses wrong types and oversized files', async () => {
      const res = await upload(as.lead, pdf, '材料.pdf', 'application/pdf');
      expect(res.status).toBe(200);
      const ref = (await res.json()) as { sha256: string; ref: string };
      expect(ref.ref).toBe(`evidence:${ref.sha256}`);
      const back = await as.auditor.get(`/api/evidence/${ref.sha256}`);
      expect(Buffer.from(await back.arrayBuffer())).toEqual(pdf);
      expect(back.headers.get('content-disposition')).toMatch(/^attachment/);
      const own = await as.lead.get(`/api/evidence/${ref.sha256}`);
      expect(own.status).toBe(200);
      // A unit that neither uploaded it nor works on a project it was submitted to may not read it.
      await expectError(await as.other.get(`/api/evidence/${ref.sha256}`), 403, 'forbidden');
      await expectError(
        await upload(as.lead, Buffer.from('MZ…'), 'virus.exe', 'application/x-msdownload'),
        415,
        'unsupported_type',
      );
      await expectError(
        await upload(as.lead, Buffer.from('not a pdf'), 'fake.pdf', 'application/pdf'),
        415,
        'unsupported_type',
      );
      await expectError(await upload(as.auditor, pdf, '材料.pdf', 'application/pdf'), 403, 'forbidden');
      process.env.DUDAO_EVIDENCE_MAX_BYTES = '1024';
      try {
        const big = Buffer.concat([pdf, Buffer.alloc(4096, 1)]);
        await expectError(await upload(as.lead, big, '大文件.pdf', 'application/pdf'), 413, 'too_large');
        const huge = Buffer.concat([pdf, Buffer.alloc(200 * 1024, 1)]);
        await expectError(await upload(as.lead, huge, '超大.pdf', 'application/pdf'), 413, 'too_large');
      } finally {
        delete process.env.DUDAO_EVIDENCE_MAX_BYTES;
      }
    });

    it('lets a submission cite only evidence its unit uploaded or the project already holds', async () => {
      const third = `${cycleId}-e`;
      const started = await as.inspector.post('/api/cycles', {
        name: '佐证引用测试',
        cycleId: third,
        year: 2017,
        scope: { kinds: ['major_project'], itemIds: [item.id] },
        drill: { yearSeconds: 3600 },
      });
      expect(started.status).toBe(200);
      const inboxOf = async (role: 'lead' | 'co') =>
        (await as[role].json<InboxItem[]>(`/api/inbox?cycle=${third}`))[0];
      await waitFor(
        async () => (await inboxOf('lead')) !== undefined && (await inboxOf('co')) !== undefined,
        30_000,
      );
      const mine = (await inboxOf('lead'))!;
      const theirs = (await inboxOf('co'))!;
      const stored = async (session: Session, text: string, name: string) =>
        (await (
          await upload(session, Buffer.from(`%PDF-1.4\n${text}\n%%EOF`), name, 'application/pdf')
        ).json()) as {
          ref: string;
          sha256: string;
          name: string;
        };
      const own = await stored(as.lead, '牵头单位自传材料', '本单位.pdf');
      const foreign = await stored(as.other, '其他单位材料', '他单位.pdf');
      const forged = { ref: 'doc://伪造的材料', sha256: 'c'.repeat(64) };
      const submit = (role: 'lead' | 'co', ref: string, evidence: unknown[]) =>
        as[role].post('/api/actions/submit', {
          cycleId: third,
          ref,
          narrative: '进展',
          values: [],
          evidence,
        });
      const stream = () => readStream(s.t.db, projectWorkflowId(cycleWorkflowId(third), item.id));
      const before = await stream();

      // An unknown hash, another unit's upload, or one of them among its own: refused, nothing recorded.
      for (const evidence of [[forged], [foreign], [own, foreign]]) {
        const refused = await expectError(
          await submit('lead', mine.milestoneId, evidence),
          400,
          'unknown_evidence',
        );
        expect(refused.message).toMatch('请先上传');
      }
      // Another unit's upload is not the co-unit's to cite either, nor the lead's before it is attached.
      await expectError(await submit('co', theirs.assignmentId, [foreign]), 400, 'unknown_evidence');
      await expectError(await submit('co', theirs.assignmentId, [own]), 400, 'unknown_evidence');
      expect(await stream()).toEqual(before);
      // Citing it was the way to read another unit's file: that stays closed.
      await expectError(await as.lead.get(`/api/evidence/${foreign.sha256}`), 403, 'forbidden');

      expect((await submit('lead', mine.milestoneId, [own])).status).toBe(200);
      // Once attached to the project, the co-unit may cite (and read) it too.
      expect((await submit('co', theirs.assignmentId, [own])).status).toBe(200);
      expect((await as.co.get(`/api/evidence/${own.sha256}`)).status).toBe(200);
      const cited = (await stream())
        .filter((e) => e.type === 'ReportSubmitted' || e.type === 'ContributionSubmitted')
        .map((e) => (e.data as { evidence: { sha256: string }[] }).evidence.map((x) => x.sha256));
      expect(cited).toEqual([[own.sha256], [own.sha256]]);
      await as.inspector.post(`/api/cycles/${third}/cancel`, { reason: '测试结束' });
    });

    it('answers bad input with 400/413/415 JSON errors', async () => {
      const raw = (body: string, type = 'application/json') =>
        fetch(`${s.url}/api/actions/approve`, {
          method: 'POST',
          // The server refuses an oversized body without reading it and closes that connection.
          headers: {
            cookie: as.inspector.cookie,
            'x-csrf-token': as.inspector.csrf,
            'content-type': type,
            connection: 'close',
          },
          body,
        });
      await expectError(await raw('{"cycleId":'), 400, 'malformed_json');
      const missing = await expectError(await raw(JSON.stringify({ cycleId })), 400, 'invalid_command');
      expect(missing.message).toContain('milestoneId');
      await expectError(await raw(JSON.stringify({ cycleId, milestoneId: 5 })), 400, 'invalid_command');
      await expectError(
        await raw('cycleId=x', 'application/x-www-form-urlencoded'),
        415,
        'unsupported_media_type',
      );
      await expectError(
        await raw(JSON.stringify({ cycleId, milestoneId: 'x', comment: 'x'.repeat(300_000) })),
        413,
        'too_large',
      );
      await expectError(
        await as.inspector.post('/api/actions/approve', { cycleId: 'nope', milestoneId: 'zz/2017' }),
        404,
        'not_found',
      );
      await expectError(await as.inspector.get('/api/no-such-endpoint'), 404, 'not_found');
    });

    it('gives auditors the project and cycle timelines with a verify verdict', async () => {
      const project = await as.auditor.json<{
        events: { type: string }[];
        verdict: { ok: boolean; events: number };
      }>(`/api/timeline/cycles/${cycleId}/projects/${item.id}`);
      expect(project.verdict).toMatchObject({
        ok: true,
        checked: 'history',
        findings: [],
        events: project.events.length,
      });
      expect(project.events[0]!.type).toBe('ProjectStarted');
      const cycle = await as.auditor.json<{ events: { type: string }[]; verdict: { ok: boolean } }>(
        `/api/timeline/cycles/${cycleId}`,
      );
      expect(cycle.events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['CycleStarted', 'CycleExtended']),
      );
      expect(cycle.verdict.ok).toBe(true);
      await expectError(await as.lead.get(`/api/timeline/cycles/${cycleId}`), 403, 'forbidden');
    });

    it('checks a whole cycle from the auditor page with progress, and downloads its offline bundle', async () => {
      const sse = await as.auditor.get(`/auditor/check?cycle=${cycleId}`);
      expect(sse.status).toBe(200);
      expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
      const stream = await sse.text();
      expect(stream).toMatch(/event: progress\ndata: \{"stage":"回放","done":1,/);
      expect(stream).toMatch(/event: verdict\ndata: <p class="verdict ok" data-cycle-verdict>/);
      expect(stream).toMatch(/核对通过：\d+ 个工作流（\d+ 次运行）用当前代码回放全部一致/);
      expect((await as.lead.get(`/auditor/check?cycle=${cycleId}`)).status).toBe(403);

      const bundle = await as.auditor.get(`/auditor/bundle?cycle=${cycleId}`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-disposition')).toBe(
        `attachment; filename="dudao-audit-${cycleId}.tar.gz"`,
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-bundle-download-'));
      fs.writeFileSync(path.join(dir, 'b.tar.gz'), Buffer.from(await bundle.arrayBuffer()));
      const untar = spawnSync('tar', ['xzf', 'b.tar.gz'], { cwd: dir, encoding: 'utf8' });
      expect(untar.stderr).toBe('');
      const root = path.join(dir, `dudao-audit-${cycleId}`);
      const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8')) as {
        scope: { cycleId: string };
        histories: unknown[];
      };
      expect(manifest.scope).toEqual({ cycleId });
      expect(manifest.histories.length).toBeGreaterThan(1);
      // The downloaded bundle verifies offline, as the README says.
      const offline = spawnSync(process.execPath, [cli, 'audit', 'verify', '--from', root], {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: '' },
      });
      expect(offline.stdout).toContain('总结论：一致');
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('downloads reports as CSV, XLSX and HTML for auditors', async () => {
      const csv = await as.auditor.get(`/api/reports/units?cycle=${cycleId}&format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
      expect(await csv.text()).toContain('责任单位');
      const xlsx = await as.auditor.get(`/api/reports/cycle?cycle=${cycleId}&format=xlsx`);
      expect(xlsx.status).toBe(200);
      expect(
        Buffer.from(await xlsx.arrayBuffer())
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');
      const page = await as.inspector.get(`/api/reports/overdue?cycle=${cycleId}&format=html`);
      expect(await page.text()).toContain('<html');
      await expectError(await as.auditor.get('/api/reports/assessment'), 400, 'invalid_command');
      await expectError(await as.lead.get(`/api/reports/units?cycle=${cycleId}`), 403, 'forbidden');
    });

    it('downloads the 通报 and the plan review (中期/终期) as Word documents', async () => {
      const word = async (url: string) => {
        const res = await as.inspector.get(url);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        );
        return {
          disposition: res.headers.get('content-disposition'),
          doc: readDocx(Buffer.from(await res.arrayBuffer())),
        };
      };
      const mid = await word('/api/reports/plan-review?format=docx&stage=mid&docNumber=衢教督〔2018〕5号');
      expect(mid.disposition).toContain(encodeURIComponent('中期评估.docx'));
      expect(mid.doc.paragraphs).toEqual(
        expect.arrayContaining(['衢教督〔2018〕5号', '一、主要指标完成情况', '二、重大项目推进情况']),
      );
      expect(mid.doc.paragraphs.find((x) => x.startsWith('关于《'))).toMatch(/实施情况中期评估的报告$/);
      const final = await word('/api/reports/plan-review?format=docx&stage=final&issuer=衢州市教育局');
      expect(final.disposition).toContain(encodeURIComponent('终期评估.docx'));
      expect(final.doc.paragraphs[0]).toBe('衢州市教育局');
      expect(final.doc.paragraphs.find((x) => x.startsWith('关于《'))).toMatch(/实施情况终期评估的报告$/);
      // The same review as a table, for the auditor too.
      const csv = await as.auditor.get('/api/reports/plan-review?format=csv&stage=final');
      expect(await csv.text()).toContain('重大项目推进情况');
      const bulletin = await word(`/api/reports/assessment?cycle=${cycleId}&format=docx`);
      expect(bulletin.disposition).toContain(encodeURIComponent(`考核结果通报-${cycleId}.docx`));
      expect(bulletin.doc.paragraphs.find((x) => x.startsWith('关于'))).toMatch(/考核结果的通报$/);
      await expectError(
        await as.auditor.get(`/api/reports/units?cycle=${cycleId}&format=docx`),
        400,
        'invalid_command',
      );
      await expectError(await as.auditor.get('/api/reports/plan-review?stage=half'), 400, 'invalid_command');
      await expectError(await as.lead.get('/api/reports/plan-review?format=docx'), 403, 'forbidden');
    });

    it('refuses cancelling a cycle to a unit, then lets 督导处 cancel it', async () => {
      const second = `${cycleId}-b`;
      const started = await as.inspector.post('/api/cycles', {
        name: '撤销测试',
        cycleId: second,
        year: 2018,
        scope: { kinds: ['major_project'], itemIds: [item.id] },
        drill: { yearSeconds: 3600 },
      });
      expect(started.status).toBe(200);
      await expectError(
        await as.co.post(`/api/cycles/${second}/cancel`, { reason: '不应生效' }),
        403,
        'forbidden',
      );
      const cancelled = await as.inspector.post(`/api/cycles/${second}/cancel`, { reason: '测试结束' });
      expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
      // The first cycle closed when its only project was approved: nothing left to cancel.
      await expectError(
        await as.inspector.post(`/api/cycles/${cycleId}/cancel`, { reason: '已结束' }),
        404,
        'not_found',
      );
      const { rows } = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM security_events WHERE kind = 'permission_denied'`.execute(s.t.db);
      expect(rows[0]!.n).toBeGreaterThan(40);
    });
  });
});
