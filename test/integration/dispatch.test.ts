import fs from 'node:fs';
import { addUser, Session, startApiStack, type ApiStack } from '../support/api';
import { operatorDataDir, cliAgainst } from '../support/cli';
import { drillCycle, preschoolPlan } from '../support/scenario';
import { waitFor } from '../support/wait';
import { importBodies } from '../../app/units';
import { buildReport } from '../../app/reports';
import { liveSource } from '../../audit/source';
import { verify, verifyModels } from '../../audit/verify';
import type { DispatchView } from '../../app/dispatch-views';
import type { BoardRow, InboxItem } from '../../app/views';
import { readStream } from '../../db/event-store';
import { DISPATCH_CYCLE, dispatchWorkflowId } from '../../domain/dispatch';
import { shanghaiDate } from '../../domain/shanghai';
import type { CycleItem } from '../../domain/cycle';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { cycleWorkflowId } from '../../workflows/ids';

/** The seed's 学前教育 project over 2017 only: its one milestone is open from the cycle's start. */
const item: CycleItem = { ...preschoolPlan, milestones: [preschoolPlan.milestones[1]!] };
const COUNTIES = ['柯城区教育局', '衢江区教育局', '龙游县教育局'];
const SCHOOL = '衢江区实验小学';
const DIRECTORY = ['上级单位,单位名称', ...COUNTIES.map((c) => `基教处,${c}`), `衢江区教育局,${SCHOOL}`].join(
  '\n',
);

/**
 * 多级下发 end to end against a real worker, Temporal dev server and PostgreSQL: 基教处 (lead unit of
 * a seed project) dispatches to three 县（市、区）教育局, one of which dispatches further to a school
 * (through the CLI); the school and the counties report, each dispatching unit reviews (督导处 and
 * a sibling are refused), the parent's colour turns red while a county is late and recovers when it
 * reports and is reviewed, and a county sees only its own item. Plan time runs a real second per
 * plan day.
 */
describe('多级下发', () => {
  let s: ApiStack;
  let dataDir: string;
  const session: Record<string, Session> = {};
  const run = Date.now().toString(36);
  const cycleId = `dispatch-${run}`;
  // Workflow ids are the Temporal namespace's, which test runs share: each run's shares are its own.
  const [KC, QJ, LY, QJS] = ['XF-KC', 'XF-QJ', 'XF-LY', 'XF-QJ-S'].map((id) => `${id}-${run}`) as [
    string,
    string,
    string,
    string,
  ];
  const milestoneId = `${item.itemId}/2017`;
  const stream = (id: string) => readStream(s.t.db, dispatchWorkflowId(id));
  const cli = cliAgainst(() => ({ url: s.t.url, taskQueue: s.stack.taskQueue, dataDir }));
  const refusal = async (res: Response, status: number) => {
    const body = (await res.json()) as { message: string };
    expect({ status: res.status, chinese: /[\u4e00-\u9fff]/.test(body.message) }).toEqual({
      status,
      chinese: true,
    });
    return body.message;
  };
  const view = (who: string, cycle: string, id: string) =>
    session[who]!.json<DispatchView>(`/api/dispatch/${encodeURIComponent(cycle)}/${encodeURIComponent(id)}`);
  const dispatch = (who: string, body: Record<string, unknown>) =>
    session[who]!.post('/api/actions/dispatch', {
      cycleId,
      milestoneId,
      text: '按县域落实普惠性幼儿园建设',
      ...body,
    });
  const act = (who: string, path: string, body: Record<string, unknown>) =>
    session[who]!.post(`/api/actions/${path}`, { cycleId: DISPATCH_CYCLE, ...body });

  beforeAll(async () => {
    s = await startApiStack();
    expect(await importBodies(s.t.db, DIRECTORY)).toHaveLength(4);
    const users: [string, 'inspector' | 'unit_staff' | 'unit_head', string][] = [
      ['insp', 'inspector', '督导处'],
      ['jj', 'unit_staff', '基教处'],
      ['jjHead', 'unit_head', '基教处'],
      ['jc', 'unit_staff', '计财处'],
      ['kc', 'unit_staff', '柯城区教育局'],
      ['qj', 'unit_staff', '衢江区教育局'],
      ['ly', 'unit_staff', '龙游县教育局'],
      ['school', 'unit_staff', SCHOOL],
    ];
    for (const [name, role, unit] of users) {
      await addUser(s.t.db, name, role, unit);
      session[name] = await Session.signIn(s.url, name);
    }
    dataDir = await operatorDataDir(s.t.db, 'dudao-dispatch-');
    await s.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: s.stack.taskQueue,
      workflowId: cycleWorkflowId(cycleId),
      args: [drillCycle(cycleId, [item], 365)],
    });
    await waitFor(
      async () =>
        (await session.jj!.json<InboxItem[]>(`/api/inbox?cycle=${cycleId}`)).some(
          (i) => i.milestoneId === milestoneId,
        ),
      30_000,
    );
  }, 90_000);
  afterAll(async () => {
    await s?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses in Chinese whoever may not dispatch, a body not below the unit and a deadline too late', async () => {
    const events = async () => (await s.t.db.selectFrom('events').select('event_id').execute()).length;
    const before = await events();
    expect(await refusal(await dispatch('insp', { body: '柯城区教育局' }), 403)).toBe('督导处无权下发');
    expect(await refusal(await dispatch('jc', { body: '柯城区教育局' }), 403)).toContain(
      '由基教处承办，计财处无权下发',
    );
    expect(await refusal(await dispatch('jj', { body: '柯城区教育局', milestoneId: 'nope/2017' }), 400)).toBe(
      `找不到节点 nope/2017（督导周期 ${cycleId}）`,
    );
    expect(await refusal(await dispatch('jj', { body: SCHOOL }), 400)).toBe(
      `“${SCHOOL}”不是基教处的下级单位。可下发给：${[...COUNTIES].sort().join('、')}`,
    );
    expect(
      await refusal(await dispatch('jj', { body: '柯城区教育局', deadline: '2017-12-30' }), 400),
    ).toMatch(
      /^下发期限 2017-12-30 晚于最迟可定的 2017-12-22（上级期限 2017-12-29 前5个工作日），请改为更早的日期$/,
    );
    expect(await events()).toBe(before);
  });

  it('dispatches to three counties, one of which dispatches further to a school through the CLI', async () => {
    // 柯城 is given an early deadline, so it falls late while the parent is still on track.
    const kc = await dispatch('jj', {
      body: '柯城区教育局',
      deadline: '2017-01-16',
      subAssignmentId: KC,
    });
    expect(kc.status).toBe(200);
    expect(await kc.json()).toMatchObject({ subAssignmentId: KC, milestoneId: `${KC}/reply` });
    for (const [id, body] of [
      [QJ, '衢江区教育局'],
      [LY, '龙游县教育局'],
    ] as const) {
      const res = await dispatch('jj', { body, subAssignmentId: id });
      expect(res.status).toBe(200);
      // By default a share is due the policy's 5 working days before its parent (2017-12-29).
      expect(shanghaiDate(((await res.json()) as { deadline: string }).deadline)).toBe('2017-12-22');
    }
    expect(await refusal(await dispatch('jj', { body: '龙游县教育局' }), 400)).toBe(
      `已向龙游县教育局下发过该节点（${LY}）`,
    );
    const opening = await stream(KC);
    expect(opening.slice(0, 2).map((e) => [e.type, e.actor.unit])).toEqual([
      ['SubAssignmentDispatched', '基教处'],
      ['ProjectStarted', null],
    ]);
    await waitFor(async () => (await stream(QJ)).some((e) => e.type === 'AssignmentCreated'));

    const cliRun = await cli(
      'task',
      'dispatch',
      `${QJ}/reply`,
      '--body',
      SCHOOL,
      '--text',
      '统计本校学前教育普惠情况',
      '--id',
      QJS,
      '--as',
      '衢江区教育局:unit_staff',
    );
    expect(cliRun.stderr).toBe('');
    // A share of a share is due 5 working days before the county's own deadline.
    expect(cliRun.stdout).toContain(`已下发 ${QJS} 给${SCHOOL}，办理期限 2017/12/15。`);
    const refused = await cli(
      'task',
      'dispatch',
      `${KC}/reply`,
      '--body',
      SCHOOL,
      '--text',
      '越级下发',
      '--as',
      '衢江区教育局:unit_staff',
    );
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('由柯城区教育局承办，衢江区教育局无权下发');
  }, 60_000);

  it('scopes each body to its own item; the parent unit sees its children and their children', async () => {
    await waitFor(async () =>
      (await session.school!.json<InboxItem[]>('/api/inbox')).some((i) => i.milestoneId === `${QJS}/reply`),
    );
    const inboxOf = async (who: string) =>
      (await session[who]!.json<InboxItem[]>('/api/inbox')).map((i) => i.milestoneId).sort();
    expect(await inboxOf('kc')).toEqual([`${KC}/reply`]);
    expect(await inboxOf('qj')).toEqual([`${QJ}/reply`]);
    expect(await inboxOf('school')).toEqual([`${QJS}/reply`]);
    // A county cannot open its sibling's item nor its dispatches; the school cannot look up.
    expect((await session.kc!.get(`/api/cycles/${DISPATCH_CYCLE}/projects/${QJ}`)).status).toBe(403);
    expect((await session.kc!.get(`/api/dispatch/${DISPATCH_CYCLE}/${QJ}`)).status).toBe(403);
    expect((await session.school!.get(`/api/dispatch/${cycleId}/${item.itemId}`)).status).toBe(403);
    expect((await session.kc!.get(`/api/cycles/${DISPATCH_CYCLE}/projects/${KC}`)).status).toBe(200);
    // The dispatching unit opens the items it dispatched.
    expect((await session.jj!.get(`/api/cycles/${DISPATCH_CYCLE}/projects/${QJ}`)).status).toBe(200);

    const lead = await view('jj', cycleId, item.itemId);
    const shares = lead.milestones[0]!.shares;
    expect(shares.map((x) => x.body).sort()).toEqual([...COUNTIES].sort());
    expect(shares.find((x) => x.body === '衢江区教育局')!.children.map((c) => c.body)).toEqual([SCHOOL]);
    const county = await view('qj', DISPATCH_CYCLE, QJ);
    expect(county.milestones[0]!.shares.map((x) => x.subAssignmentId)).toEqual([QJS]);
  });

  it('rolls a late county up to the parent, then recovers when it reports; the dispatching unit reviews', async () => {
    const red = '下级单位 柯城区教育局 逾期未报';
    // 柯城's deadline (16 Jan) passes about 16 real seconds after the cycle opened.
    await waitFor(async () => (await view('jj', cycleId, item.itemId)).ragReason === red, 40_000);
    expect(await view('jj', cycleId, item.itemId)).toMatchObject({ rag: 'red', ragReason: red });
    const board = async () =>
      (await session.insp!.json<BoardRow[]>(`/api/board?cycle=${cycleId}`)).find(
        (r) => r.itemId === item.itemId,
      )!;
    await waitFor(async () => (await board()).ragReason === red);
    expect((await board()).rag).toBe('red');
    const leadItem = (await session.jj!.json<InboxItem[]>(`/api/inbox?cycle=${cycleId}`)).find(
      (i) => i.milestoneId === milestoneId,
    )!;
    expect({ rag: leadItem.rag, reason: leadItem.ragReason }).toEqual({ rag: 'red', reason: red });

    const submit = (who: string, ref: string, value: number) =>
      act(who, 'submit', { ref, narrative: `${ref} 已完成`, values: [{ targetIndex: 0, value }] });
    expect((await submit('kc', `${KC}/reply`, 85)).status).toBe(200);
    // Late is red until the report is approved; the parent's reason says it is in.
    expect(await view('jj', cycleId, item.itemId)).toMatchObject({
      rag: 'red',
      ragReason: '下级单位 柯城区教育局 逾期报送，待审核',
    });

    // 督导处 and a sibling county may not review a county's report; nothing is recorded for it.
    const before = (await stream(KC)).length;
    const approve = (who: string, ref: string) => act(who, 'approve', { milestoneId: ref, comment: '同意' });
    expect(await refusal(await approve('insp', `${KC}/reply`), 403)).toContain('由基教处审核');
    expect(await refusal(await approve('qj', `${KC}/reply`), 403)).toContain('衢江区教育局无权审核');
    expect((await stream(KC)).length).toBe(before);
    expect((await approve('jjHead', `${KC}/reply`)).status).toBe(200);
    // Answered and accepted: the parent recovers.
    expect(await view('jj', cycleId, item.itemId)).toMatchObject({ rag: 'green', ragReason: '按计划推进' });
    await waitFor(async () => (await board()).rag === 'green');

    // The school reports to 衢江, which reviews it, then reports upward; 龙游 reports too.
    expect((await submit('school', `${QJS}/reply`, 20)).status).toBe(200);
    // 衢江 answers upward only once its school's report is approved: refused, nothing recorded.
    const owed = (await stream(QJ)).length;
    expect(await refusal(await submit('qj', `${QJ}/reply`, 30), 400)).toBe(
      `节点 ${QJ}/reply 已下发的 1 项中还有 1 项未办结：${SCHOOL}（${QJS}，已报送，待本单位审核）。` +
        '请待下级单位报送并审核通过后再向上报送；不再需要的下发可撤回（dudao task withdraw）。',
    );
    expect((await stream(QJ)).length).toBe(owed);
    expect(await refusal(await approve('jj', `${QJS}/reply`), 403)).toContain('由衢江区教育局审核');
    expect((await approve('qj', `${QJS}/reply`)).status).toBe(200);
    expect((await submit('qj', `${QJ}/reply`, 30)).status).toBe(200);
    expect((await submit('ly', `${LY}/reply`, 40)).status).toBe(200);
    const queue = await session.jj!.json<{ subAssignmentId: string }[]>('/api/dispatch-reviews');
    expect(queue.map((q) => q.subAssignmentId).sort()).toEqual([LY, QJ]);
    // 督导处's own queue holds none of them: they are the dispatching units' to review.
    const inspectorQueue = await session.insp!.json<{ reports: { itemId: string }[] }>('/api/review-queue');
    expect(inspectorQueue.reports.filter((r) => r.itemId.startsWith('XF-'))).toEqual([]);
    // Nor does 基教处 report its milestone while two counties' reports wait for its review (CLI).
    const early = await cli(
      'task',
      'submit',
      milestoneId,
      '--narrative',
      '全市汇总',
      '--cycle',
      cycleId,
      '--as',
      '基教处:unit_staff',
    );
    expect(early.status).not.toBe(0);
    expect(early.stderr).toContain(`节点 ${milestoneId} 已下发的 3 项中还有 2 项未办结`);
    expect((await approve('jj', `${QJ}/reply`)).status).toBe(200);
    expect((await approve('jj', `${LY}/reply`)).status).toBe(200);

    await waitFor(async () =>
      (await view('jj', cycleId, item.itemId)).milestones[0]!.shares.every((x) => x.phase === 'closed'),
    );
    const done = (await view('jj', cycleId, item.itemId)).milestones[0]!;
    expect(done.sums).toEqual([{ label: '普惠性幼儿园覆盖面（%）', sum: 155, reporters: 3 }]);
    expect(done.reported).toBe(3);
    expect(done.shares.find((x) => x.body === '衢江区教育局')!.children[0]).toMatchObject({
      body: SCHOOL,
      phase: 'closed',
      values: [{ label: '普惠性幼儿园覆盖面（%）', value: 20 }],
    });
    const approved = (await stream(KC)).find((e) => e.type === 'ReportApproved');
    expect(approved).toMatchObject({
      actor: { unit: '基教处', role: 'unit_head' },
      data: { verdict: 'met' },
    });

    const report = (await buildReport(s.t.db, 'dispatch', cycleId, 'csv')).content.toString();
    for (const body of [...COUNTIES, SCHOOL]) expect(report).toContain(body);
    expect(report).toContain(QJS);
    const shown = await cli(
      'task',
      'dispatched',
      item.itemId,
      '--cycle',
      cycleId,
      '--as',
      '基教处:unit_staff',
    );
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toContain('已报送 3/3；合计：普惠性幼儿园覆盖面（%） 155（3家）');

    // The shares' histories, the event log and the read models (rebuilt from the log) agree. Each
    // share is audited by its workflow id: the namespace holds other test runs' shares too.
    for (const id of [KC, QJ, LY, QJS]) {
      const verdict = await verify(
        liveSource(s.stack.client, s.t.db, { workflowId: dispatchWorkflowId(id) }),
        null,
      );
      expect(verdict.streams.flatMap((x) => x.findings)).toEqual([]);
      expect(verdict).toMatchObject({ agrees: true, counts: { workflows: 1 } });
    }
    expect((await verifyModels(s.t.db)).filter((m) => !m.equal)).toEqual([]);

    // Every share answered: 基教处 now reports upward.
    const upward = await session.jj!.post('/api/actions/submit', {
      cycleId,
      ref: milestoneId,
      narrative: '全市汇总：三县均已报送',
      values: [{ targetIndex: 0, value: 82 }],
    });
    expect(upward.status).toBe(200);
  }, 90_000);

  it('withdraws a share, keeps extensions within the parent’s deadline, and cancels shares with their cycle', async () => {
    const cycle2 = `dispatch2-${run}`;
    const [KC2, QJ2, QJS2] = ['XF-KC2', 'XF-QJ2', 'XF-QJ2-S'].map((id) => `${id}-${run}`) as [
      string,
      string,
      string,
    ];
    await s.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: s.stack.taskQueue,
      workflowId: cycleWorkflowId(cycle2),
      args: [drillCycle(cycle2, [item], 365)],
    });
    await waitFor(
      async () =>
        (await session.jj!.json<InboxItem[]>(`/api/inbox?cycle=${cycle2}`)).some(
          (i) => i.milestoneId === milestoneId,
        ),
      30_000,
    );
    for (const [id, body] of [
      [KC2, '柯城区教育局'],
      [QJ2, '衢江区教育局'],
    ] as const)
      expect((await dispatch('jj', { cycleId: cycle2, body, subAssignmentId: id })).status).toBe(200);
    await waitFor(async () => (await stream(QJ2)).some((e) => e.type === 'AssignmentCreated'));
    const further = await session.qj!.post('/api/actions/dispatch', {
      cycleId: DISPATCH_CYCLE,
      milestoneId: `${QJ2}/reply`,
      body: SCHOOL,
      text: '统计本校情况',
      subAssignmentId: QJS2,
    });
    expect(further.status).toBe(200);

    // A share's deadline may move up to its parent's (2017-12-29), never past it.
    const ask = (requestedDueAt: string) =>
      act('kc', 'request-extension', { milestoneId: `${KC2}/reply`, reason: '需要更多时间', requestedDueAt });
    expect(await refusal(await ask('2018-01-15T15:59:59.000Z'), 400)).toBe(
      `下发事项的期限不能晚于上级节点的期限 2017-12-29（基教处承办的 ${milestoneId}），申请的 2018-01-15 晚于它。` +
        '请改为不晚于 2017-12-29 的日期，或由基教处先向上申请延期。',
    );
    expect((await ask('2017-12-28T15:59:59.000Z')).status).toBe(200);
    const grant = (newDueAt: string) =>
      act('jj', 'decide-extension', { requestId: `${KC2}/reply/ext-1`, grant: true, newDueAt });
    expect(await refusal(await grant('2018-01-05T15:59:59.000Z'), 400)).toContain('申请的 2018-01-05 晚于它');
    expect((await grant('2017-12-27T15:59:59.000Z')).status).toBe(200);

    // 撤回下发: 衢江 dispatched further, so its school's share is 衢江's to withdraw first.
    const withdraw = (who: string, subAssignmentId: string) =>
      session[who]!.post('/api/actions/withdraw', { subAssignmentId, reason: '改由市里统一安排' });
    expect(await refusal(await withdraw('jj', QJ2), 400)).toBe(
      `衢江区教育局已将 ${QJ2} 继续下发：${SCHOOL}（${QJS2}）。请先由衢江区教育局撤回这些下发，再撤回本项。`,
    );
    expect(await refusal(await withdraw('kc', QJS2), 403)).toContain('由衢江区教育局审核');
    expect((await withdraw('qj', QJS2)).status).toBe(200);
    expect((await withdraw('jj', QJ2)).status).toBe(200);
    const withdrawn = (await stream(QJ2)).find((e) => e.type === 'ProjectCancelled');
    expect(withdrawn).toMatchObject({
      actor: { unit: '基教处' },
      data: { reason: '撤回下发：改由市里统一安排' },
    });
    expect((await view('jj', cycle2, item.itemId)).milestones[0]!.shares.map((x) => x.body)).toEqual([
      '柯城区教育局',
    ]);

    // Cancelling the cycle cancels the shares still open below its items.
    expect((await session.insp!.post(`/api/cycles/${cycle2}/cancel`, { reason: '演练结束' })).status).toBe(
      200,
    );
    const cancelled = (await stream(KC2)).find((e) => e.type === 'ProjectCancelled');
    expect(cancelled).toMatchObject({
      actor: { role: 'inspector' },
      data: { reason: '督导周期已撤销：演练结束' },
    });
  }, 90_000);
});
