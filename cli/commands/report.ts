import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import { openDatabase } from '../../db/connect';
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
import { latestPlanTime } from '../../reports/queries';
import type { Report } from '../../reports/report';
import { renderCsv } from '../../reports/render-csv';
import { renderHtml } from '../../reports/render-html';
import { renderTerminal } from '../../reports/render-terminal';
import { renderXlsx } from '../../reports/render-xlsx';
import { run } from '../run';

interface ReportOptions {
  cycle?: string;
  at?: string;
  schema: string;
  csv?: string | true;
  xlsx?: string | true;
  html?: string | true;
}

type Builder = (db: Parameters<typeof unitsReport>[0], scope: ReportScope) => Promise<Report>;

export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('督导报表：终端表格，或导出 CSV / Excel / HTML');
  const define = (name: string, description: string, build: Builder, needsCycle = false) =>
    withOutputOptions(report.command(name).description(description)).action((opts: ReportOptions) =>
      run(() => produce(name, build, opts, needsCycle)),
    );

  withOutputOptions(
    report.command('cycle <id>').description('督导周期情况汇总（含红黄绿灯、按时率、目标进度、督办趋势）'),
  ).action((id: string, opts: ReportOptions) =>
    run(() => produce(`cycle-${id}`, cycleBuilder, { ...opts, cycle: id }, true)),
  );
  define('units', '单位履职情况（按时报送率、退回、督办）', unitsReport);
  define('overdue', '逾期事项及督办级别', overdueReport);
  define('targets', '目标值完成进度（按项目、指标）', targetsReport);
  define('rework', '退回重办情况（理由、轮次）', reworkReport);
  define('assessment', '单位考核排名（通报）', assessmentBuilder, true);
  define('notices', '催办督办通知送达记录（投递尝试、查阅时间）', noticesReport);
}

const cycleBuilder: Builder = (db, scope) => cycleReport(db, { ...scope, cycleId: scope.cycleId! });
const assessmentBuilder: Builder = (db, scope) => assessmentReport(db, { ...scope, cycleId: scope.cycleId! });

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

async function produce(
  name: string,
  build: Builder,
  opts: ReportOptions,
  needsCycle: boolean,
): Promise<void> {
  if (needsCycle && !opts.cycle) throw new Error('请用 --cycle <编号> 指定督导周期');
  assertSchemaName(opts.schema);
  const handle = await openDatabase();
  try {
    const at = opts.at ? new Date(opts.at).toISOString() : await latestPlanTime(handle.db, opts.cycle);
    const report = await build(handle.db, { schema: opts.schema, cycleId: opts.cycle, at });
    await emit(name, report, opts);
  } finally {
    await handle.close();
  }
}

async function emit(name: string, report: Report, opts: ReportOptions): Promise<void> {
  const target = (option: string | true, ext: string) => (option === true ? `${name}.${ext}` : option);
  if (opts.csv === true) process.stdout.write(renderCsv(report));
  else if (opts.csv) await save(opts.csv, renderCsv(report));
  if (opts.xlsx) await save(target(opts.xlsx, 'xlsx'), await renderXlsx(report));
  if (opts.html) await save(target(opts.html, 'html'), renderHtml(report));
  if (!opts.csv && !opts.xlsx && !opts.html) console.log(renderTerminal(report));
}

async function save(file: string, content: string | Buffer): Promise<void> {
  await fs.writeFile(file, content);
  console.error(`已导出：${file}`);
}
