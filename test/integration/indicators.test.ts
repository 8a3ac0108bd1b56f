import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCycleInput } from '../../app/cycles';
import { sendProjectCommand } from '../../app/commands';
import { listBaselines, setBaseline } from '../../app/indicators';
import { issueRectifications } from '../../app/rectifications';
import { readStream } from '../../db/event-store';
import { LIVE_SCHEMA } from '../../db/projections/read-model';
import { yearWindow } from '../../domain/cycle';
import { CyclePolicy } from '../../domain/policy';
import { withDataSource } from '../../domain/yearly-items';
import { latestPlanTime } from '../../reports/queries';
import { indicatorsReport } from '../../reports/indicators';
import { renderHtml } from '../../reports/render-html';
import { importPlan } from '../../seeds/import';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { cycleWorkflowId, projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import { freshDatabase, type TestDatabase } from '../support/db';
import { readDocx } from '../support/docx';
import { operatorDataDir, cliAgainst } from '../support/cli';
import { inspector, unit } from '../support/scenario';
import { startWorker, type TestStack } from '../support/temporal';
import { waitFor } from '../support/wait';

const SEED = path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt');

/**
 * 主要指标 year by year, against the real dev server and PostgreSQL, over the seed plan: baselines
 * recorded (one through the CLI), a drill cycle over 2016–2017 with two indicators, a task and a
 * major project; the units report two years of values with their 数据来源 (the CLI refuses one
 * without), 督导处 approves; the indicators report colours each year against the plan line; the task
 * runs the light flow (no 督办) while the major project climbs the ladder; the plan review reads it
 * all, with the project's 整改 round, as a Word document. The CLI is the compiled one (`npm run
 * build` first).
 */
describe('主要指标: yearly values against the plan line, the light task flow, the plan review', () => {
  let t: TestDatabase;
  let stack: TestStack;
  let dataDir: string;
  const cycleId = `zb-${Date.now().toString(36)}`;
  const cycleWf = cycleWorkflowId(cycleId);
  const project = (itemId: string) => stack.client.workflow.getHandle(projectWorkflowId(cycleWf, itemId));

  const dudao = cliAgainst(() => ({ url: t.url, taskQueue: stack.taskQueue, dataDir }));

  const report = async (itemId: string, milestoneId: string, values: number[], source: string) => {
    const lead = (await project(itemId).query(projectStateQuery)).state.leadUnit;
    await sendProjectCommand(project(itemId), {
      type: 'submitReport',
      actor: unit(lead),
      milestoneId,
      narrative: withDataSource('本年度指标值', source),
      values: values.map((value, targetIndex) => ({ targetIndex, value })),
      evidence: [],
    });
  };
  const approve = (itemId: string, milestoneId: string) =>
    sendProjectCommand(project(itemId), { type: 'approve', actor: inspector, milestoneId, comment: '' });
  const opened = (itemId: string, milestoneId: string) =>
    waitFor(async () => {
      const { state } = await project(itemId).query(projectStateQuery);
      return state.milestones.find((m) => m.milestoneId === milestoneId)?.phase === 'assigned';
    }, 40_000);

  beforeAll(async () => {
    t = await freshDatabase();
    const parsed = parsePlanBytes(fs.readFileSync(SEED));
    if (!parsed.ok) throw new Error(parsed.error);
    await importPlan(t.db, parsed.plan, parsed.text, 'seed.txt');
    stack = await startWorker(t.db);
    dataDir = await operatorDataDir(t.db, 'dudao-ind-');
  });
  afterAll(async () => {
    await stack?.stop();
    await t?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('records baselines once, refusing an unknown indicator or metric in Chinese', async () => {
    const first = await dudao(
      ...['indicator', 'baseline', 'set', '1.1', '--metric', '1', '--value', '92'],
      ...['--source', '2015年教育事业统计年报'],
    );
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('已录入 1.1 学前三年入园率 2015年基期值 92%（2015年教育事业统计年报）。');
    const again = await dudao(
      ...['indicator', 'baseline', 'set', '1.1', '--metric', '学前三年入园率', '--value', '92'],
      ...['--source', '2015年教育事业统计年报'],
    );
    expect(again.stdout).toContain('已录入，无需更改');
    await expect(setBaseline(t.db, { itemId: '2.1.4.1', metric: '1', value: 1 }, '督导处')).rejects.toThrow(
      '规划中没有主要指标“2.1.4.1”。主要指标编号：1.1、1.2、1.3',
    );
    await expect(setBaseline(t.db, { itemId: '1.2', metric: '入学率', value: 1 }, '督导处')).rejects.toThrow(
      '指标 1.2 没有“入学率”这一项。可用序号或名称：1=九年义务教育巩固率',
    );
    await setBaseline(t.db, { itemId: '1.2', metric: '九年义务教育巩固率', value: 99.5 }, '督导处');
    expect((await listBaselines(t.db)).map((b) => [b.itemId, b.metric, b.year, b.value])).toEqual([
      ['1.1', '学前三年入园率', 2015, 92],
      ['1.2', '九年义务教育巩固率', 2015, 99.5],
    ]);
  });

  it('runs two plan years: indicators report values with their source, a task has no 督办, a project does', async () => {
    const policy = CyclePolicy.parse({ indicatorTolerance: 0.01 });
    const input = await buildCycleInput(
      {
        name: '2016—2017年度主要指标监测（演练）',
        cycleId,
        window: yearWindow(2016, 2, policy.holidayRule),
        scope: { kinds: ['indicator', 'task', 'major_project'], itemIds: ['1.1', '1.2', '2.1.1', '2.1.4.1'] },
        policy,
        drill: { yearSeconds: 16 },
      },
      inspector,
      t.db,
    );
    expect(input.policy.taskFlow).toBe('light');
    await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: cycleWf,
      args: [input],
    });
    await opened('1.2', '1.2/2016');
    await opened('1.1', '1.1/2016');

    // The CLI refuses an indicator's values without their source, and sends them with it.
    const bare = await dudao(
      ...['task', 'submit', '1.2/2016', '--narrative', '巩固率', '--value', '1=99.6'],
      ...['--as', '基教处:unit_staff', '--cycle', cycleId],
    );
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toContain('主要指标的年度数值须注明数据来源，请加 --source');
    const sent = await dudao(
      ...['task', 'submit', '1.2/2016', '--narrative', '巩固率', '--value', '1=99.6'],
      ...['--source', '2016年教育事业统计年报', '--as', '基教处:unit_staff', '--cycle', cycleId],
    );
    expect(sent.stderr).toBe('');
    await approve('1.2', '1.2/2016');
    await report('1.1', '1.1/2016', [93.5, 30], '2016年教育事业统计年报');
    await approve('1.1', '1.1/2016');

    await opened('1.2', '1.2/2017');
    await report('1.2', '1.2/2017', [99.2], '2017年教育事业统计年报');
    await approve('1.2', '1.2/2017');
    await opened('1.1', '1.1/2017');
    await report('1.1', '1.1/2017', [90, 36], '2017年教育事业统计快报');
    await approve('1.1', '1.1/2017');

    await stack.client.workflow.getHandle(cycleWf).result();
    const types = async (itemId: string) =>
      (await readStream(t.db, projectWorkflowId(cycleWf, itemId))).map((e) => e.type);
    const task = await types('2.1.1');
    expect(task.filter((x) => x === 'MilestoneOpened')).toHaveLength(2);
    expect(task).toContain('ReminderSent');
    expect(task).not.toContain('EscalationRaised');
    expect(await types('2.1.4.1')).toContain('EscalationRaised');
  }, 80_000);

  it('colours each year against the plan line, with the reason and the source, and draws the trend', async () => {
    const at = await latestPlanTime(t.db, cycleId);
    const r = await indicatorsReport(t.db, { schema: LIVE_SCHEMA, cycleId, at });
    const yearly = r.tables[1]!.rows.filter((x) => x.year === 2016 || x.year === 2017);
    const row = (metric: string, year: number) => yearly.find((x) => x.metric === metric && x.year === year)!;
    expect(row('九年义务教育巩固率', 2016)).toMatchObject({
      planned: '99.6%',
      reported: '99.6%',
      rag: '绿灯',
      review: '已审定',
      source: '2016年教育事业统计年报',
    });
    expect(row('九年义务教育巩固率', 2017)).toMatchObject({
      planned: '99.7%',
      reported: '99.2%',
      rag: '黄灯',
      reason: '落后计划进度0.5%（计划99.7%，实际99.2%），在允许偏差1%以内',
    });
    expect(row('学前三年入园率', 2016)).toMatchObject({ planned: '93%', reported: '93.5%', rag: '绿灯' });
    expect(row('学前三年入园率', 2017)).toMatchObject({
      planned: '94%',
      rag: '红灯',
      reason: '落后计划进度4%（计划94%，实际90%），超出允许偏差1%',
      source: '2017年教育事业统计快报',
    });
    // No baseline: the line starts at the first report (30 in 2016), 35 planned for 2017.
    expect(row('学前教育示范乡镇', 2017)).toMatchObject({ planned: '35个', reported: '36个', rag: '绿灯' });
    const overview = r.tables[0]!.rows;
    expect(overview.find((x) => x.metric === '学前教育示范乡镇')).toMatchObject({
      baseline: '2016年 30个（以首次报送值代）',
      year: '2017年',
    });
    expect(overview.find((x) => x.metric === '九年义务教育巩固率')?.baseline).toBe('2015年 99.5%');
    expect(overview.find((x) => x.metric === '义务教育标准化中小学校比例')).toMatchObject({
      rag: '—',
      reason: '尚未报送年度数值',
    });

    const html = renderHtml(r);
    expect(html.match(/data-chart="trend"/g)).toHaveLength(
      r.tables[0]!.rows.length, // one chart per metric
    );
    expect(html).toContain('<figcaption><h2>1.1 学前三年入园率</h2></figcaption>');
    expect(html).toMatch(/class="plan" points="[^"]+"/);
    expect(html).toContain('data-rag="red"');

    const csv = await dudao('report', 'indicators', '--all-cycles', '--csv');
    expect(csv.status).toBe(0);
    expect(csv.stdout).toContain('1.1,学前三年入园率,2017,94%,90%,红灯');
  });

  it('writes the 中期评估 as an official document: indicators against targets, projects with their 整改', async () => {
    await issueRectifications(
      { db: t.db, client: stack.client, taskQueue: stack.taskQueue },
      inspector,
      cycleId,
      {
        deadline: '2030-06-30',
      },
    );
    await waitFor(async () => {
      const rows = await t.db.selectFrom('rectifications').select('item_id').execute();
      return rows.some((x) => x.item_id === '2.1.4.1');
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'review-')), '中期评估.docx');
    const out = await dudao(
      ...['report', 'plan-review', '--docx', file, '--stage', 'mid'],
      ...['--doc-number', '衢教督〔2018〕5号', '--issuer', '衢州市教育局'],
    );
    expect(out.status).toBe(0);
    const doc = readDocx(fs.readFileSync(file));
    fs.rmSync(path.dirname(file), { recursive: true });
    const p = doc.paragraphs.filter((x) => x !== '');
    expect(p.slice(0, 3)).toEqual([
      '衢州市教育局',
      '衢教督〔2018〕5号',
      '关于《衢州市教育事业发展“十三五”规划任务分工方案》实施情况中期评估的报告',
    ]);
    expect(p).toContain('一、主要指标完成情况');
    expect(p).toContain('二、重大项目推进情况');
    expect(p).toContain('三、存在的主要问题');
    expect(p).toContain('四、下一步工作');
    expect(p.find((x) => x.startsWith('19个指标项中'))).toMatch(
      /^19个指标项中，已达到规划目标0个；按计划进度，绿灯1个、黄灯1个、红灯1个，尚未报送年度数值16个。/,
    );
    expect(p).toContain('落后于计划进度较多的指标：学前三年入园率（基教处牵头）。');

    const [indicators, projects] = doc.tables;
    expect(indicators![0]).toEqual(['序号', '指标', '规划目标', '基期值', '最新值', '当年计划值', '评估']);
    expect(indicators!.find((r) => r[1] === '1.1 学前三年入园率')).toEqual([
      '1',
      '1.1 学前三年入园率',
      '2020年≥97%',
      '2015年92%',
      '2017年90%',
      '94%',
      '红灯：落后计划进度4%（计划94%，实际90%），超出允许偏差1%',
    ]);
    expect(projects).toHaveLength(17);
    const preschool = projects!.find((r) => r[1]!.startsWith('2.1.4.1'))!;
    expect(preschool[2]).toBe('基教处');
    expect(preschool[3]).toContain('普惠性幼儿园覆盖面≥80%（2017年），未报送');
    expect(preschool[4]).toBe('达标0、未完成2、进行中0');
    expect(preschool[5]).toBe('2');
    expect(preschool[6]).toMatch(/第1轮/);
    expect(projects!.filter((r) => r[4] === '未纳入督导')).toHaveLength(15);
  });
});
