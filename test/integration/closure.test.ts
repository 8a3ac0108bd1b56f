import fs from 'node:fs';
import path from 'node:path';
import { addUser, Session, startApiStack, type ApiStack } from '../support/api';
import { operatorDataDir, cliAgainst } from '../support/cli';
import { drillCycle, preschoolPlan } from '../support/scenario';
import { waitFor } from '../support/wait';
import { readStream } from '../../db/event-store';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { cycleWorkflowId, projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import { liveSource } from '../../audit/source';
import { unitScoreboard } from '../../reports/queries';
import { LIVE_SCHEMA } from '../../db/projections/read-model';
import { verify, verifyModels } from '../../audit/verify';
import type { ClosureItem, ReviewQueue } from '../../app/views';
import type { CycleItem } from '../../domain/cycle';
import type { majorProjectWorkflow } from '../../workflows/project';

/** 学前教育 over 2017–2018: the 2017 milestone opens at once, the 2018 one stays scheduled. */
const item: CycleItem = {
  ...preschoolPlan,
  units: ['基教处', '计财处'],
  milestones: [preschoolPlan.milestones[1]!, { year: 2018, text: '等级幼儿园覆盖面达到90%以上' }],
};

/**
 * 申请办结 and 销号 end to end against a real worker, Temporal dev server and PostgreSQL: the lead
 * unit asks through the API (another unit and 督导处 are refused in Chinese), 督导处 refuses with a
 * reason, the unit asks again through the CLI, 督导处 confirms through the CLI, and the project ends
 * closed with every milestone met, in the workflow, the log, the read models and the audit.
 */
describe('申请办结 and 销号', () => {
  let s: ApiStack;
  let lead: Session;
  let co: Session;
  let insp: Session;
  let dataDir: string;
  const cycleId = `closure-${Date.now().toString(36)}`;
  const workflowId = projectWorkflowId(cycleWorkflowId(cycleId), item.itemId);
  const events = () => readStream(s.t.db, workflowId);
  const state = async () =>
    (await s.stack.client.workflow.getHandle(workflowId).query(projectStateQuery)).state;
  const cli = cliAgainst(() => ({ url: s.t.url, taskQueue: s.stack.taskQueue, dataDir }));
  const expectError = async (res: Response, status: number, code: string) => {
    const body = (await res.json()) as { code: string; message: string };
    expect({ status: res.status, code: body.code }).toEqual({ status, code });
    expect(body.message).toMatch(/[\u4e00-\u9fff]/);
    return body.message;
  };
  const closureRows = () =>
    s.t.db
      .selectFrom('closure_requests')
      .selectAll()
      .where('cycle_id', '=', cycleId)
      .orderBy('request_id')
      .execute();

  beforeAll(async () => {
    s = await startApiStack();
    await addUser(s.t.db, 'insp', 'inspector', '督导处');
    await addUser(s.t.db, 'lead', 'unit_staff', '基教处');
    await addUser(s.t.db, 'co', 'unit_staff', '计财处');
    lead = await Session.signIn(s.url, 'lead');
    co = await Session.signIn(s.url, 'co');
    insp = await Session.signIn(s.url, 'insp');
    dataDir = await operatorDataDir(s.t.db, 'dudao-closure-');
    const input = drillCycle(cycleId, [item], 3600);
    input.window = {
      ...input.window,
      submissionDueAt: '2018-12-28T15:59:59.000Z',
      reviewDueAt: '2019-01-31T15:59:59.000Z',
    };
    await s.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: s.stack.taskQueue,
      workflowId: cycleWorkflowId(cycleId),
      args: [input],
    });
    // The CLI finds the project through visibility, the unit's page through the read models.
    await waitFor(async () => {
      for await (const wf of s.stack.client.workflow.list({ query: `DudaoCycleId = '${cycleId}'` }))
        if (wf.workflowId === workflowId) return true;
      return false;
    }, 30_000);
    await waitFor(
      async () =>
        (await lead.json<ClosureItem[]>(`/api/closures?cycle=${cycleId}`)).some((c) => c.mayRequest),
      30_000,
    );
  });
  afterAll(async () => {
    await s?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the project for its lead unit only, and refuses another unit and 督导处 in Chinese', async () => {
    expect(await lead.json<ClosureItem[]>(`/api/closures?cycle=${cycleId}`)).toEqual([
      expect.objectContaining({ itemId: item.itemId, pending: null, refused: null, mayRequest: true }),
    ]);
    expect(await co.json<ClosureItem[]>(`/api/closures?cycle=${cycleId}`)).toEqual([]);
    const before = (await events()).length;
    const body = { cycleId, itemId: item.itemId, narrative: '已提前全部完成' };
    expect(await expectError(await co.post('/api/actions/request-closure', body), 403, 'forbidden')).toBe(
      '办结申请由牵头单位基教处提出，计财处无权申请',
    );
    expect(await expectError(await insp.post('/api/actions/request-closure', body), 403, 'forbidden')).toBe(
      '督导处无权申请办结',
    );
    await expectError(
      await lead.post('/api/actions/request-closure', { ...body, narrative: ' ' }),
      400,
      'invalid_command',
    );
    expect((await events()).length).toBe(before);
  });

  it('takes the lead’s request with its evidence; 督导处 refuses it with a reason', async () => {
    const form = new FormData();
    const pdf = Buffer.from('%PDF-1.4\n验收报告\n%%EOF');
    form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), '验收报告.pdf');
    const uploaded = await fetch(`${s.url}/api/evidence`, {
      method: 'POST',
      headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf },
      body: form,
    });
    const evidence = [await uploaded.json()];
    const body = { cycleId, itemId: item.itemId, narrative: '两年目标均已提前完成', evidence };
    const res = await lead.post('/api/actions/request-closure', body);
    expect(res.status).toBe(200);
    expect(await expectError(await lead.post('/api/actions/request-closure', body), 409, 'conflict')).toBe(
      '已有待审批的办结申请',
    );

    await waitFor(async () => (await closureRows()).length === 1);
    const queue = await insp.json<ReviewQueue>(`/api/review-queue?cycle=${cycleId}`);
    expect(queue.closures).toEqual([
      expect.objectContaining({
        itemId: item.itemId,
        requestId: 'closure-1',
        unit: '基教处',
        evidence,
        openMilestones: [
          expect.objectContaining({ milestoneId: `${item.itemId}/2017` }),
          expect.objectContaining({ milestoneId: `${item.itemId}/2018` }),
        ],
      }),
    ]);

    const decide = { cycleId, itemId: item.itemId, requestId: 'closure-1' };
    await expectError(
      await lead.post('/api/actions/decide-closure', { ...decide, confirm: true }),
      403,
      'forbidden',
    );
    expect(
      await expectError(
        await insp.post('/api/actions/decide-closure', { ...decide, confirm: false }),
        400,
        'invalid_command',
      ),
    ).toBe('不同意销号须填写理由');
    const refused = await insp.post('/api/actions/decide-closure', {
      ...decide,
      confirm: false,
      comment: '2018年节点尚无验收材料',
    });
    expect(refused.status).toBe(200);

    await waitFor(async () => (await closureRows())[0]?.status === 'refused');
    expect(await closureRows()).toEqual([
      expect.objectContaining({
        request_id: 'closure-1',
        unit: '基教处',
        narrative: '两年目标均已提前完成',
        evidence,
        requested_by: 'lead',
        status: 'refused',
        decision_comment: '2018年节点尚无验收材料',
        decided_by: 'insp',
      }),
    ]);
    expect((await state()).status).toBe('active');
    expect(await lead.json<ClosureItem[]>(`/api/closures?cycle=${cycleId}`)).toEqual([
      expect.objectContaining({
        pending: null,
        refused: expect.objectContaining({ comment: '2018年节点尚无验收材料' }),
        mayRequest: true,
      }),
    ]);
  });

  it('takes a new request and 督导处’s 销号 through the CLI', async () => {
    const file = path.join(dataDir, '验收材料.pdf');
    fs.writeFileSync(file, Buffer.from('%PDF-1.4\n2018年验收\n%%EOF'));
    const wrong = await cli(
      'task',
      'close-request',
      item.itemId,
      '--as',
      '计财处:unit_staff',
      '--narrative',
      '已完成',
      '--cycle',
      cycleId,
    );
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('办结申请由牵头单位基教处提出，计财处无权申请');

    const asked = await cli(
      ...['task', 'close-request', item.itemId, '--as', '基教处:unit_staff'],
      ...['--narrative', '已补充2018年验收材料', '--evidence', file, '--cycle', cycleId],
    );
    expect({ status: asked.status, stderr: asked.stderr }).toEqual({ status: 0, stderr: '' });
    expect(asked.stdout).toContain(`已提交办结申请 ${item.itemId}/closure-2`);

    await waitFor(async () => (await closureRows()).length === 2);
    const listed = await cli('review', 'list', '--cycle', cycleId);
    expect(listed.stdout).toContain(`${item.itemId}/closure-2`);
    const inbox = await cli('task', 'list', '--unit', '基教处', '--cycle', cycleId);
    expect(inbox.stdout).toContain('待督导处审批');

    const unchosen = await cli('review', 'closure', `${item.itemId}/closure-2`, '--cycle', cycleId);
    expect(unchosen.stderr).toContain('请在 --confirm 与 --refuse 中选择一个');
    const confirmed = await cli(
      ...['review', 'closure', `${item.itemId}/closure-2`, '--as', '督导处:inspector'],
      ...['--confirm', '--comment', '同意销号', '--cycle', cycleId],
    );
    expect({ status: confirmed.status, stderr: confirmed.stderr }).toEqual({ status: 0, stderr: '' });
    expect(confirmed.stdout).toContain('已同意销号');
  });

  it('ends the project closed with every milestone met, in the workflow, the log and the read models', async () => {
    const final = await s.stack.client.workflow.getHandle<typeof majorProjectWorkflow>(workflowId).result();
    expect(final.status).toBe('closed');
    expect(final.milestones.map((m) => [m.milestoneId, m.phase, m.outcome])).toEqual([
      [`${item.itemId}/2017`, 'closed', 'met'],
      [`${item.itemId}/2018`, 'closed', 'met'],
    ]);
    expect(final.closures!.map((x) => [x.requestId, x.status])).toEqual([
      ['closure-1', 'refused'],
      ['closure-2', 'confirmed'],
    ]);
    const tail = (await events()).slice(-4);
    expect(tail.map((e) => [e.type, e.actor.userId])).toEqual([
      ['ClosureConfirmed', expect.any(String)],
      ['MilestoneClosed', expect.any(String)],
      ['MilestoneClosed', expect.any(String)],
      ['ProjectClosed', expect.any(String)],
    ]);
    expect(new Set(tail.map((e) => e.actor.role))).toEqual(new Set(['inspector']));

    await waitFor(async () => (await closureRows())[1]?.status === 'confirmed');
    const project = await s.t.db
      .selectFrom('projects')
      .select(['status', 'outcome', 'milestones_met'])
      .where('cycle_id', '=', cycleId)
      .where('item_id', '=', item.itemId)
      .executeTakeFirstOrThrow();
    expect(project).toEqual({ status: 'closed', outcome: 'completed', milestones_met: 2 });
    const milestones = await s.t.db
      .selectFrom('milestones')
      .select('outcome')
      .where('cycle_id', '=', cycleId)
      .orderBy('milestone_id')
      .execute();
    expect(milestones.map((m) => m.outcome)).toEqual(['met', 'met']);
    expect((await closureRows()).map((r) => [r.request_id, r.status, r.decision_comment])).toEqual([
      ['closure-1', 'refused', '2018年节点尚无验收材料'],
      ['closure-2', 'confirmed', '同意销号'],
    ]);
  });

  it('scores what 销号 settled as submitted when the unit asked, never as overdue', async () => {
    const board = await unitScoreboard(s.t.db, {
      schema: LIVE_SCHEMA,
      cycleId,
      at: '2030-01-01T00:00:00Z',
    });
    // The 2017 milestone's two assignments (lead and co-unit) were still owed when 销号 closed it.
    expect(board.map((r) => [r.unit, r.assignments, r.submitted, r.overdue_unsubmitted])).toEqual([
      ['基教处', 1, 1, 0],
      ['计财处', 1, 1, 0],
    ]);
    for (const r of board) expect(r.on_time + r.late).toBe(r.submitted);
  });

  it('agrees in the audit: histories, the log and read models rebuilt from it', async () => {
    await s.stack.client.workflow.getHandle(cycleWorkflowId(cycleId)).result();
    const verdict = await verify(liveSource(s.stack.client, s.t.db, { cycleId }), () => verifyModels(s.t.db));
    expect(verdict.streams.flatMap((x) => x.findings)).toEqual([]);
    expect(verdict.models!.filter((m) => !m.equal)).toEqual([]);
    expect(verdict.models!.map((m) => m.name)).toContain('closure_requests');
    expect(verdict).toMatchObject({ agrees: true, counts: { workflows: 2 } });
    const cliVerdict = await cli('audit', 'verify', '--cycle', cycleId);
    expect({ status: cliVerdict.status, stderr: cliVerdict.stderr }).toMatchObject({ status: 0 });
  });
});
