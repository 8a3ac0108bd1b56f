import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import { openDatabaseAs } from '../../stack/database';
import { LIVE_SCHEMA } from '../../db/projections/read-model';
import { assertSchemaName } from '../../db/projections/rebuild';
import {
  assessmentReport,
  cycleReport,
  noticesReport,
  overdueReport,
  reworkReport,
  targetsReport,
  unitsReport,
  type ReportScope,
} from '../../reports/builders';
import { loadAssessmentBulletin } from '../../reports/documents/assessment-bulletin';
import { renderBulletinDocx } from '../../reports/documents/render-bulletin-docx';
import { instructionsReport } from '../../reports/instructions';
import { lineageReport, type LineageFilter } from '../../reports/lineage';
import { dispatchReport } from '../../reports/dispatch';
import { progressReport } from '../../reports/progress';
import { indicatorsReport } from '../../reports/indicators';
import { loadPlanReview, planReviewReport, type ReviewStage } from '../../reports/documents/plan-review';
import { renderPlanReviewDocx } from '../../reports/documents/render-plan-review-docx';
import { defaultReportCycle, latestPlanTime } from '../../reports/queries';
import type { Report } from '../../reports/report';
import { renderCsv } from '../../reports/render-csv';
import { renderHtml } from '../../reports/render-html';
import { renderTerminal } from '../../reports/render-terminal';
import { renderXlsx } from '../../reports/render-xlsx';
import { run } from '../run';

interface ReportOptions {
  cycle?: string;
  /** Every cycle merged, where a report would otherwise default to one. */
  allCycles?: boolean;
  at?: string;
  schema: string;
  csv?: string | true;
  xlsx?: string | true;
  html?: string | true;
  /** assessment only: the 通报 as a Word document, its 文号 and issuing office. */
  docx?: string | true;
  docNumber?: string;
  issuer?: string;
  /** lineage only: one plan item, one unit. */
  item?: string;
  unit?: string;
  /** plan-review only: 中期评估 or 终期评估. */
  stage?: string;
}

type Builder = (
  db: Parameters<typeof unitsReport>[0],
  scope: ReportScope & { filter?: LineageFilter },
) => Promise<Report>;

/** A report and, for those that have one, the Word document --docx writes. */
type Producer = (
  db: Parameters<typeof unitsReport>[0],
  scope: ReportScope & { filter?: LineageFilter },
  opts: ReportOptions,
) => Promise<{ report: Report; document?: () => Promise<Buffer> }>;

export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('督导报表：终端表格，或导出 CSV / Excel / HTML');
  /** `cycle`: of one cycle, named or the default one (or every cycle with --all-cycles). */
  const define = (
    name: string,
    description: string,
    build: Builder | { produce: Producer },
    scope: Scoping = 'default-cycle',
  ) => {
    const producer: Producer =
      'produce' in build ? build.produce : async (db, s) => ({ report: await build(db, s) });
    const command = withOutputOptions(report.command(name).description(description));
    if (scope === 'default-cycle')
      command.option(
        '--all-cycles',
        '汇总全部督导周期（默认只统计一个周期：--cycle 指定的，或最近发起的进行中周期）',
      );
    return command.action((opts: ReportOptions) => run(() => produce(name, producer, opts, scope)));
  };

  withOutputOptions(
    report.command('cycle <id>').description('督导周期情况汇总（含红黄绿灯、按时率、目标进度、督办趋势）'),
  ).action((id: string, opts: ReportOptions) =>
    run(() =>
      produce(
        `cycle-${id}`,
        async (db, s) => ({ report: await cycleBuilder(db, s) }),
        { ...opts, cycle: id },
        'named-cycle',
      ),
    ),
  );
  define('units', '单位履职情况（按时报送率、退回、督办）', unitsReport);
  define('overdue', '逾期事项及督办级别', overdueReport);
  define('targets', '目标值完成进度（按项目、指标）', targetsReport);
  define('rework', '退回重办情况（理由、轮次）', reworkReport);
  define('assessment', '单位考核排名（通报）', { produce: assessmentProducer }, 'named-cycle')
    .option('--docx [file]', '导出正式通报（Word 文档：文号、主送单位、正文、排名表、表扬批评、整改要求）')
    .option('--doc-number <文号>', '通报的文号，如 衢教督〔2017〕3号')
    .option('--issuer <发文机关>', '发文机关（默认取规划的发文单位）');
  define('notices', '催办督办通知送达记录（投递尝试、查阅时间）', noticesReport);
  define('progress', '定期反馈情况（按期、逾期、未按期反馈；按单位）', progressReport);
  define('dispatch', '多级下发办理情况（逐级状态灯、报送值及合计；按承办单位）', dispatchReport, 'any');
  define(
    'instructions',
    '领导批示办理情况（收到、办理中、办结、逾期；按领导、按单位）',
    instructionsReport,
    'any',
  );
  define(
    'lineage',
    '整改事项沿革（各事项历次周期结果、整改轮次及结果、当前状态；各单位跨周期未达标）',
    lineageReport,
    'any',
  )
    .option('--item <事项编号>', '只看某规划事项')
    .option('--unit <单位>', '只看某责任单位');
  define(
    'indicators',
    '主要指标年度监测（各指标项目标、计划进度、各年度报送值、红黄绿灯及原因、趋势图）',
    indicatorsReport,
  );
  define(
    'plan-review',
    '规划中期评估/终期评估（各主要指标及重大项目对照目标，含整改沿革）',
    { produce: planReviewProducer },
    'any',
  )
    .option('--stage <阶段>', 'mid（中期评估，默认）或 final（终期评估）', 'mid')
    .option('--docx [file]', '导出评估报告（Word 文档，公文格式）')
    .option('--doc-number <文号>', '文号，如 衢教督〔2018〕5号')
    .option('--issuer <发文机关>', '发文机关（默认取规划的发文单位）');
}

const stageOf = (v: string | undefined): ReviewStage => {
  if (v === undefined || v === 'mid' || v === 'final') return v ?? 'mid';
  throw new Error(`--stage 应为 mid（中期评估）或 final（终期评估），而不是“${v}”`);
};

const cycleBuilder: Builder = (db, scope) => cycleReport(db, { ...scope, cycleId: scope.cycleId! });

/** The ranking, and with --docx the 通报 as the office sends it. */
const assessmentProducer: Producer = async (db, scope, opts) => ({
  report: await assessmentReport(db, { ...scope, cycleId: scope.cycleId! }),
  document: async () => {
    const meta = { documentNumber: opts.docNumber, issuer: opts.issuer };
    return renderBulletinDocx(await loadAssessmentBulletin(db, { ...scope, cycleId: scope.cycleId! }, meta));
  },
});

/** The 中期评估/终期评估 as tables, and with --docx as the office's report. */
const planReviewProducer: Producer = async (db, scope, opts) => {
  const meta = { stage: stageOf(opts.stage), documentNumber: opts.docNumber, issuer: opts.issuer };
  const review = await loadPlanReview(db, scope, meta);
  return { report: planReviewReport(review, scope), document: () => renderPlanReviewDocx(review) };
};

function withOutputOptions(command: Command): Command {
  return command
    .option('--cycle <id>', '督导周期编号')
    .option('--at <time>', '统计时点（计划时间，ISO 格式）；默认取事件日志中最近一条事件的时间')
    .option(
      '--schema <name>',
      '读模型所在模式，如 projections rebuild --as-of 生成的 asof_<位置>',
      LIVE_SCHEMA,
    )
    .option('--csv [file]', '导出 CSV（不给文件名则输出到终端）')
    .option('--xlsx [file]', '导出 Excel 文件')
    .option('--html [file]', '导出单文件 HTML（含图表，可离线打开）');
}

/**
 * Which cycles a report covers: one it must be told (`named-cycle`), one by default (`default-cycle`:
 * --cycle, else the most recently started open cycle, said on stderr; --all-cycles merges them), or
 * whatever --cycle says, all without it (`any`: the 领导批示 report, which has its own scope).
 */
type Scoping = 'named-cycle' | 'default-cycle' | 'any';

async function produce(
  name: string,
  produceIt: Producer,
  opts: ReportOptions,
  scoping: Scoping,
): Promise<void> {
  if (scoping === 'named-cycle' && !opts.cycle) throw new Error('请用 --cycle <编号> 指定督导周期');
  assertSchemaName(opts.schema);
  // Live reports read as the reader role; an as-of schema is a scratch copy only the owner reads.
  const handle = await openDatabaseAs(opts.schema === LIVE_SCHEMA ? 'reader' : 'owner');
  try {
    const cycleId =
      opts.cycle ??
      (scoping === 'default-cycle' && !opts.allCycles
        ? await announceDefaultCycle(handle.db, opts.schema)
        : undefined);
    const at = opts.at ? new Date(opts.at).toISOString() : await latestPlanTime(handle.db, cycleId);
    const scope = { schema: opts.schema, cycleId, at, filter: { itemId: opts.item, unit: opts.unit } };
    const { report, document } = await produceIt(handle.db, scope, opts);
    await emit(name, report, opts);
    if (opts.docx && document) await save(opts.docx === true ? `${name}.docx` : opts.docx, await document());
  } finally {
    await handle.close();
  }
}

/** The cycle a report covers when none is named; said on stderr so the figures are never a surprise. */
async function announceDefaultCycle(
  db: Parameters<typeof unitsReport>[0],
  schema: string,
): Promise<string | undefined> {
  const cycle = await defaultReportCycle(db, schema);
  if (cycle)
    console.error(
      `未指定 --cycle：按督导周期 ${cycle.cycleId}（${cycle.name}${cycle.open ? '，进行中' : '，已结束'}）统计；汇总全部周期请加 --all-cycles。`,
    );
  return cycle?.cycleId;
}

async function emit(name: string, report: Report, opts: ReportOptions): Promise<void> {
  const target = (option: string | true, ext: string) => (option === true ? `${name}.${ext}` : option);
  if (opts.csv === true) process.stdout.write(renderCsv(report));
  else if (opts.csv) await save(opts.csv, renderCsv(report));
  if (opts.xlsx) await save(target(opts.xlsx, 'xlsx'), await renderXlsx(report));
  if (opts.html) await save(target(opts.html, 'html'), renderHtml(report));
  if (!opts.csv && !opts.xlsx && !opts.html && !opts.docx) console.log(renderTerminal(report));
}

async function save(file: string, content: string | Buffer): Promise<void> {
  await fs.writeFile(file, content);
  console.error(`已导出：${file}`);
}
