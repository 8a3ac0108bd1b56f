import fs from 'node:fs';
import path from 'node:path';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { addUser, Session, startApiStack, type ApiStack } from '../support/api';
import { operatorDataDir, runCli } from '../support/cli';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { testTemporalAddress } from '../support/temporal';
import { waitFor } from '../support/wait';
import { readDocx } from '../support/docx';
import { carryOver, closeOut, issueRectifications, listRectifications } from '../../app/rectifications';
import { sendProjectCommand } from '../../app/commands';
import { readStream } from '../../db/event-store';
import { LIVE_SCHEMA } from '../../db/projections/read-model';
import type { CycleItem } from '../../domain/cycle';
import {
  RECTIFICATIONS_CYCLE,
  rectificationIdOf,
  rectificationMilestoneId,
  rectificationWorkflowId,
} from '../../domain/rectification';
import { verify, verifyModels } from '../../audit/verify';
import { liveSource } from '../../audit/source';
import { assessmentReport } from '../../reports/builders';
import { lineageReport } from '../../reports/lineage';
import { renderCsv } from '../../reports/render-csv';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { cycleWorkflowId, projectWorkflowId } from '../../workflows/ids';

/** Three items of one 2017 cycle: one met, one never reported, one reported short of its target. */
const only2017 = (itemId: string, units: string[]): CycleItem => ({
  ...preschoolPlan,
  itemId,
  units,
  milestones: [preschoolPlan.milestones[1]!],
});
const met = only2017('mp-met', ['基教处']);
const silent = only2017('mp-silent', ['计财处']);
const short = only2017('mp-short', ['发展规划处']);

/**
 * 整改 end to end against the real dev server and PostgreSQL: a drill cycle closes with two
 * shortfalls; close-out lists them with their reasons; 督导处 issues the 整改通知 (once, however
 * often asked); one unit's 整改报告 is returned, then struck off (销号); the other carries into the
 * next cycle as a second round linked to the first; the lineage report and the assessment read the
 * rounds. Every run left behind is replayed at teardown (test/support/global-teardown.ts).
 */
describe('整改: close-out, 销号, carry-over, lineage', () => {
  let s: ApiStack;
  const cycleA = `zg-a-${Date.now().toString(36)}`;
  const cycleB = `zg-b-${Date.now().toString(36)}`;
  const cycleD = `zg-d-${Date.now().toString(36)}`;
  const deps = () => ({ db: s.t.db, client: s.stack.client, taskQueue: s.stack.taskQueue });
  const handle = (id: string): WorkflowHandle =>
    s.stack.client.workflow.getHandle(rectificationWorkflowId(id));
  const silentId = rectificationIdOf(cycleA, 'mp-silent/2017');
  const shortId = rectificationIdOf(cycleA, 'mp-short/2017');
  const row = async (id: string) => (await listRectifications(s.t.db)).find((r) => r.project_id === id);
  const projectHandle = (itemId: string): WorkflowHandle =>
    s.stack.client.workflow.getHandle(projectWorkflowId(cycleWorkflowId(cycleA), itemId));

  beforeAll(async () => {
    s = await startApiStack();
    await addUser(s.t.db, 'insp', 'inspector', '督导处');
    await addUser(s.t.db, 'jc', 'unit_staff', '计财处');
    // Nobody reports in cycle D: its one shortfall is issued without a signature at the end.
    await s.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: s.stack.taskQueue,
      workflowId: cycleWorkflowId(cycleD),
      args: [drillCycle(cycleD, [silent], 4)],
    });
    // One plan year per 8 s: the units act in the first plan days, the cycle closes about 9 s in.
    await s.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: s.stack.taskQueue,
      workflowId: cycleWorkflowId(cycleA),
      args: [drillCycle(cycleA, [met, silent, short], 8)],
    });
    await waitFor(async () => {
      const n = await s.t.db
        .selectFrom('assignments')
        .select('assignment_id')
        .where('cycle_id', '=', cycleA)
        .execute();
      return n.length === 3;
    });
    for (const [item, value] of [
      [met, 85],
      [short, 60],
    ] as const) {
      const m = `${item.itemId}/2017`;
      const who = unit(item.units[0]!);
      const project = projectHandle(item.itemId);
      await sendProjectCommand(project, {
        type: 'submitReport',
        actor: who,
        milestoneId: m,
        narrative: '已完成年度工作',
        values: [{ targetIndex: 0, value }],
        evidence: [],
      });
      await sendProjectCommand(project, { type: 'approve', actor: inspector, milestoneId: m, comment: '' });
    }
    await s.stack.client.workflow.getHandle(cycleWorkflowId(cycleA)).result();
  }, 60_000);
  afterAll(async () => s?.stop());

  it('lists the shortfalls of the closed cycle with their reasons in Chinese', async () => {
    const out = await closeOut(s.t.db, cycleA);
    expect(out.shortfalls.map((x) => [x.itemId, x.unit, x.reasons])).toEqual([
      ['mp-short', '发展规划处', ['目标未达成：普惠性幼儿园覆盖面实际60%，目标≥80%']],
      // Never reported, so the overdue ladder climbed to its top.
      ['mp-silent', '计财处', ['逾期未报送（原定期限 2017-12-29）', '督办升至最高一级（第3级）']],
    ]);
    expect(out.shortfalls.every((x) => x.rectification === null)).toBe(true);
  });

  it('issues the 整改通知 once: each shortfall opens a supervised item, issuing again adds nothing', async () => {
    const { issued } = await issueRectifications(deps(), inspector, cycleA, {
      deadline: '2030-06-30',
      documentNumber: '衢教督〔2018〕1号',
    });
    expect(issued.sort()).toEqual([shortId, silentId].sort());
    await waitFor(
      async () => (await row(silentId))?.status === 'issued' && (await row(shortId)) !== undefined,
    );
    const again = await issueRectifications(deps(), inspector, cycleA, { deadline: '2030-06-30' });
    expect(again.issued).toEqual([]);
    expect(again.existing.sort()).toEqual([shortId, silentId].sort());

    const stream = await readStream(s.t.db, rectificationWorkflowId(silentId));
    expect(stream.slice(0, 2).map((e) => [e.type, e.actor.userId])).toEqual([
      ['RectificationIssued', inspector.userId],
      ['ProjectStarted', 'dudao'],
    ]);
    expect(await row(silentId)).toMatchObject({
      origin_cycle_id: cycleA,
      item_id: 'mp-silent',
      milestone_id: 'mp-silent/2017',
      unit: '计财处',
      round: 1,
      carried_from: null,
      context_cycle_id: cycleA,
      document_number: '衢教督〔2018〕1号',
      reasons: ['逾期未报送（原定期限 2017-12-29）', '督办升至最高一级（第3级）'],
      due_at: '2030-06-30T15:59:59.000Z',
    });
    expect((await closeOut(s.t.db, cycleA)).shortfalls.map((x) => x.rectification?.status)).toEqual([
      'issued',
      'issued',
    ]);
  });

  it('refuses a unit and a deadline already past, in Chinese, starting nothing', async () => {
    await expect(
      issueRectifications(deps(), unit('计财处'), cycleA, { deadline: '2030-06-30' }),
    ).rejects.toThrow('只有督导处可以下发整改通知');
    await expect(issueRectifications(deps(), inspector, cycleA, { deadline: '2030-02-30' })).rejects.toThrow(
      '整改期限“2030-02-30”不存在',
    );
  });

  it('lists the close-out through the API, serves the 整改通知 as Word, and refuses a unit in Chinese', async () => {
    const insp = await Session.signIn(s.url, 'insp');
    const staff = await Session.signIn(s.url, 'jc');
    const out = await insp.json<{ shortfalls: { rectificationId: string; statusLabel: string }[] }>(
      `/api/cycles/${cycleA}/close-out`,
    );
    expect(out.shortfalls.map((x) => [x.rectificationId, x.statusLabel])).toEqual([
      [shortId, '已下发'],
      [silentId, '已下发'],
    ]);
    const refused = await staff.get(`/api/cycles/${cycleA}/close-out`);
    expect(refused.status).toBe(403);
    const issued = await staff.post(`/api/cycles/${cycleA}/close-out`, { deadline: '2030-06-30' });
    expect(issued.status).toBe(403);
    expect(((await issued.json()) as { message: string }).message).toMatch(/无权下发和结转整改通知/);
    const again = await insp.post(`/api/cycles/${cycleA}/close-out`, { deadline: '2030-06-30' });
    expect(await again.json()).toEqual({ issued: [], existing: [shortId, silentId] });
    const bad = await insp.post(`/api/cycles/${cycleA}/close-out`, { deadline: '明年' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe(
      '整改期限“明年”格式不正确，应为 YYYY-MM-DD',
    );

    const docx = await insp.get(
      `/api/cycles/${cycleA}/close-out/notice.docx?issuer=${encodeURIComponent('衢州市教育局')}`,
    );
    expect(docx.status).toBe(200);
    const doc = readDocx(Buffer.from(await docx.arrayBuffer()));
    const p = doc.paragraphs.filter((x) => x !== '');
    expect(p.slice(0, 4)).toEqual([
      '衢州市教育局',
      '衢教督〔2018〕1号',
      '关于2017年度重大项目专项督导（演练）未达标事项限期整改的通知',
      '发展规划处、计财处：',
    ]);
    expect(p).toContain('2030年6月30日前。');
    expect(doc.tables[0]!.map((r) => r[1])).toEqual(['整改编号', shortId, silentId]);

    // The inspector's page lists the same, with the forms to issue and carry over; a unit may not look.
    const page = await insp.get(`/inspector/close-out?cycle=${cycleA}`);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain(silentId);
    expect(text).toContain('逾期未报送（原定期限 2017-12-29）；督办升至最高一级（第3级）');
    expect(text).toContain('下发整改通知');
    expect(text).toContain('下载整改通知（Word）');
    expect((await staff.get(`/inspector/close-out?cycle=${cycleA}`)).status).toBe(403);
  });

  it('is found in the unit’s inbox; its 整改报告 is returned, then struck off (销号)', async () => {
    const staff = await Session.signIn(s.url, 'jc');
    const insp = await Session.signIn(s.url, 'insp');
    const m = rectificationMilestoneId(silentId);
    await waitFor(async () =>
      (await staff.json<{ cycleId: string; milestoneId: string }[]>('/api/inbox')).some(
        (i) => i.cycleId === RECTIFICATIONS_CYCLE && i.milestoneId === m,
      ),
    );
    const jc = unit('计财处');
    await sendProjectCommand(handle(silentId), { type: 'acknowledge', actor: jc, assignmentId: `${m}/lead` });
    await sendProjectCommand(handle(silentId), {
      type: 'submitReport',
      actor: jc,
      milestoneId: m,
      narrative: '已补报年度进展',
      values: [],
      evidence: [],
    });
    expect(await row(silentId)).toMatchObject({ status: 'submitted', rounds: 1 });
    const returned = await insp.post('/api/actions/return', {
      cycleId: RECTIFICATIONS_CYCLE,
      milestoneId: m,
      comment: '请附佐证材料',
    });
    expect(returned.status).toBe(200);
    expect(await row(silentId)).toMatchObject({ status: 'in_progress', returns: 1 });
    await sendProjectCommand(handle(silentId), {
      type: 'submitReport',
      actor: jc,
      milestoneId: m,
      narrative: '已补报年度进展并附材料',
      values: [],
      evidence: [],
    });
    await sendProjectCommand(handle(silentId), {
      type: 'approve',
      actor: inspector,
      milestoneId: m,
      comment: '整改到位，予以销号',
    });
    await handle(silentId).result();
    expect(await row(silentId)).toMatchObject({
      status: 'struck_off',
      outcome: 'met',
      rounds: 2,
      returns: 1,
    });
    // Its page tells the story from the 整改通知 on, each step with its record hash.
    const page = await (await insp.get(`/projects/${RECTIFICATIONS_CYCLE}/${silentId}`)).text();
    expect(page).toContain('整改通知');
    expect(page).toContain('逾期未报送（原定期限 2017-12-29）');
  });

  it('carries the unrectified into the next cycle as a second round linked to the first, once', async () => {
    await s.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: s.stack.taskQueue,
      workflowId: cycleWorkflowId(cycleB),
      args: [{ ...drillCycle(cycleB, [met, short], 3600), name: '2018年度重大项目专项督导（演练）' }],
    });
    await waitFor(
      async () =>
        (await s.t.db
          .selectFrom('cycles')
          .select('cycle_id')
          .where('cycle_id', '=', cycleB)
          .executeTakeFirst()) !== undefined,
    );
    // A deadline the new cycle has already passed is refused before anything is carried.
    await expect(carryOver(deps(), inspector, cycleA, cycleB, { deadline: '2016-12-31' })).rejects.toThrow(
      /^整改期限 2016-12-31 已过（今天是 2017-01-0\d）$/,
    );
    expect(await row(`${shortId}-R2`)).toBeUndefined();
    const { carried } = await carryOver(deps(), inspector, cycleA, cycleB);
    const nextId = `${shortId}-R2`;
    expect(carried).toEqual([{ from: shortId, to: nextId }]);
    await waitFor(
      async () => (await row(shortId))?.status === 'carried' && (await row(nextId)) !== undefined,
    );
    expect(await row(nextId)).toMatchObject({
      origin_cycle_id: cycleA,
      item_id: 'mp-short',
      round: 2,
      carried_from: shortId,
      context_cycle_id: cycleB,
      unit: '发展规划处',
      status: 'issued',
      due_at: '2017-12-29T15:59:59.000Z',
    });
    expect((await carryOver(deps(), inspector, cycleA, cycleB)).carried).toEqual([]);
    // The new cycle's page shows the round it took over, linked to the one it continues.
    const insp = await Session.signIn(s.url, 'insp');
    const page = await (await insp.get(`/inspector/close-out?cycle=${cycleB}`)).text();
    expect(page).toContain('上期结转整改');
    expect(page).toMatch(new RegExp(`${nextId}</a></td>[\\s\\S]*第2轮</td>[\\s\\S]*${shortId}</td>`));
    expect(page).toContain('尚在报送期内');
  });

  it('tells each item’s story in the lineage report, and counts a 整改 overdue in the assessment', async () => {
    const report = await lineageReport(s.t.db, { schema: LIVE_SCHEMA, at: '2018-03-01T00:00:00.000Z' });
    expect(report.title).toBe('整改事项沿革');
    const rounds = report.tables.find((t) => t.title === '整改轮次')!.rows;
    expect(rounds.map((r) => [r.itemId, r.round, r.status])).toEqual([
      ['mp-short', 1, '已转入下一周期'],
      ['mp-short', 2, '逾期未整改'],
      ['mp-silent', 1, '已销号'],
    ]);
    const byUnit = report.tables.find((t) => t.title === '各单位跨周期未达标情况')!.rows;
    expect(byUnit.find((r) => r.unit === '发展规划处')).toMatchObject({ shortfalls: 1, openRounds: 1 });
    const one = await lineageReport(s.t.db, {
      schema: LIVE_SCHEMA,
      at: '2018-03-01T00:00:00.000Z',
      filter: { itemId: 'mp-silent' },
    });
    expect(one.tables.find((t) => t.title === '整改轮次')!.rows.map((r) => r.itemId)).toEqual(['mp-silent']);

    // The second round, due with cycle B's reports, is overdue at a plan time after that day.
    const assessment = await assessmentReport(s.t.db, {
      schema: LIVE_SCHEMA,
      cycleId: cycleB,
      at: '2018-03-01T00:00:00.000Z',
    });
    const csv = renderCsv(assessment);
    expect(csv).toContain('发展规划处,整改逾期未完成,1,-5');
    // Both units were equally late in cycle B; the overdue 整改 alone ranks 发展规划处 second.
    expect(csv).toContain('1,基教处,95,');
    expect(csv).toContain('2,发展规划处,90,');
  });

  it('audits like any item: histories and log agree, and the read models rebuild to the live rows', async () => {
    // Each 整改 by its workflow id: the namespace also holds other test files' 整改 (scheduled rounds
    // and the five-year drill carry theirs over), which this database never recorded.
    const ids = await s.t.db.selectFrom('rectifications').select('project_id').execute();
    expect(ids).toHaveLength(3);
    for (const { project_id } of ids) {
      const workflowId = rectificationWorkflowId(project_id);
      const verdict = await verify(liveSource(s.stack.client, s.t.db, { workflowId }), null);
      expect(verdict.streams.flatMap((x) => x.findings)).toEqual([]);
      expect(verdict).toMatchObject({ agrees: true, counts: { workflows: 1 } });
    }
    expect((await verifyModels(s.t.db)).filter((m) => !m.equal)).toEqual([]);
  });

  // After the audit above, which counts the 整改 workflows.
  it('runs from the CLI: close-out with its notice, start --carry-from, report lineage', async () => {
    const dataDir = await operatorDataDir(s.t.db, 'dudao-cli-zg-');
    const dudao = (...args: string[]) =>
      runCli(
        {
          TEMPORAL_ADDRESS: testTemporalAddress(),
          DATABASE_URL: s.t.url,
          DUDAO_TASK_QUEUE: s.stack.taskQueue,
          DUDAO_DATA_DIR: dataDir,
        },
        ...args,
      );
    try {
      const file = path.join(dataDir, '整改通知.docx');
      const listed = await dudao('cycle', 'close-out', cycleA, '--docx', file, '--issuer', '衢州市教育局');
      expect(listed.stderr).toContain(`已导出：${file}`);
      expect(listed.status).toBe(0);
      expect(listed.stdout).toContain('未达标事项 2 项');
      expect(listed.stdout).toMatch(new RegExp(`${silentId}.*计财处.*逾期未报送.*已销号`));
      expect(readDocx(fs.readFileSync(file)).paragraphs).toContain('衢教督〔2018〕1号');

      const refused = await dudao('cycle', 'close-out', cycleA, '--issue');
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('下发整改通知需要整改期限：请加 --deadline YYYY-MM-DD');

      // A third cycle takes over what cycle B left unrectified: the second round becomes a third.
      const itemId = (
        await s.t.db
          .selectFrom('plan_items')
          .select('item_id')
          .where('kind', '=', 'major_project')
          .executeTakeFirstOrThrow()
      ).item_id;
      const cycleC = `zg-c-${Date.now().toString(36)}`;
      const started = await dudao(
        'cycle',
        'start',
        '--name',
        '2018年度重大项目专项督导（结转）',
        '--id',
        cycleC,
        '--year',
        '2018',
        '--drill',
        '3600',
        '--items',
        itemId,
        '--carry-from',
        cycleB,
        '--as',
        '督导处:inspector',
      );
      expect(started.stderr).toBe('');
      expect(started.stdout).toContain(
        `已将 1 项未销号整改从 ${cycleB} 结转到 ${cycleC}：${shortId}-R2 → ${shortId}-R3`,
      );
      await waitFor(async () => (await row(`${shortId}-R3`)) !== undefined);
      expect(await row(`${shortId}-R3`)).toMatchObject({
        round: 3,
        carried_from: `${shortId}-R2`,
        context_cycle_id: cycleC,
      });

      const lineage = await dudao('report', 'lineage', '--item', 'mp-short', '--csv');
      expect(lineage.status).toBe(0);
      expect(lineage.stdout).toContain(`mp-short,mp-short/2017,3,${shortId}-R3,${cycleC},发展规划处`);
      expect(lineage.stdout).not.toContain('mp-silent');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  // Last: the audit above counts the 整改 workflows, and this one fails on purpose.
  it('refuses a 整改 issued without a signature before recording anything', async () => {
    await s.stack.client.workflow.getHandle(cycleWorkflowId(cycleD)).result();
    const unsigned = new Client({ connection: s.stack.client.connection });
    const { issued } = await issueRectifications({ ...deps(), client: unsigned }, inspector, cycleD, {
      deadline: '2040-06-30',
    });
    const id = rectificationIdOf(cycleD, 'mp-silent/2017');
    expect(issued).toEqual([id]);
    await expect(handle(id).result()).rejects.toMatchObject({
      cause: { message: expect.stringContaining('下发整改通知的身份未经核验：命令未签名') },
    });
    expect(await readStream(s.t.db, rectificationWorkflowId(id))).toEqual([]);
  });
});
