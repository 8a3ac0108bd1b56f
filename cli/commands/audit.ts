import fs from 'node:fs';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { withDatabase, withTemporal } from '../context';
import { progressBar } from '../progress';
import { renderTable } from '../../reports/table';
import { run } from '../run';
import {
  liveSource,
  bundleSource,
  exportBundle,
  type AuditScope,
  type AuditSource,
} from '../../audit/source';
import { replayAll, replayBundle, type ReplayVerdict } from '../../audit/replay';
import { verify, verifyModels, type AuditVerdict } from '../../audit/verify';
import { verifyBundleModels } from '../../audit/offline-models';
import { modelChecksums, type ModelComparison } from '../../db/projections/rebuild';
import { findingLabel } from '../../audit/compare';
import { timelineEvents, timelineReport } from '../../audit/timeline';
import { renderTerminal } from '../../reports/render-terminal';
import { renderHtml } from '../../reports/render-html';

/**
 * 审计: replay Temporal histories against the code, verify them against the event log, tell a
 * project's story, and export or check offline bundles. Every audit command only reads.
 */
export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('审计：回放执行历史、核对事件日志、查看过程记录、导出离线审计包');

  audit
    .command('replay [工作流ID]')
    .description('用当前工作流代码回放执行历史，检查确定性')
    .option('--cycle <周期编号>', '回放某个督导周期的全部工作流')
    .option('--all', '回放全部督办工作流')
    .option('--from <目录>', '回放离线审计包（无需 Temporal 服务）')
    .option('--json', '以 JSON 输出结论')
    .action((workflowId: string | undefined, opts) =>
      run(async () => {
        const verdicts = await withSource(workflowId, opts, async (source) =>
          replayAll(
            await source.workflows(progressBar('读取执行历史', '个工作流')),
            await replayBundle(),
            progressBar('回放', '次运行'),
          ),
        );
        printReplay(verdicts, opts.json);
        if (verdicts.some((v) => !v.deterministic)) process.exitCode = 1;
      }),
    );

  audit
    .command('verify')
    .description('核对执行历史与事件日志（缺失、多出、篡改、顺序、哈希链），并重建读模型核对报表')
    .option('--cycle <周期编号>', '核对某个督导周期')
    .option('--all', '核对全部')
    .option('--from <目录>', '核对离线审计包（无需 Temporal 服务和生产数据库）')
    .option('--no-models', '不重建读模型')
    .option('--json', '以 JSON 输出结论')
    .action((opts) =>
      run(async () => {
        const verdict = await withSource(undefined, opts, (source, db) =>
          verify(
            source,
            opts.models ? modelCheck(source, db) : null,
            progressBar('读取执行历史', '个工作流'),
          ),
        );
        printVerdict(verdict, opts.json);
        if (!verdict.agrees) process.exitCode = 1;
      }),
    );

  audit
    .command('timeline <项目或周期编号>')
    .description('项目或督导周期的过程记录：时间、操作人、单位、内容、佐证材料哈希')
    .option('--cycle <周期编号>', '项目所在的督导周期')
    .option('--html <文件>', '另存为独立 HTML 页面')
    .action((ref: string, opts) =>
      run(() =>
        withDatabase(async ({ db }) => {
          const events = await timelineEvents(db, ref, opts.cycle);
          if (events.length === 0)
            throw new Error(`没有找到 ${ref} 的记录。项目请用事项编号（如 2.1.4.1），周期请用周期编号。`);
          const report = timelineReport(ref, events);
          if (opts.html) {
            fs.writeFileSync(opts.html, renderHtml(report));
            console.log(`已写入 ${opts.html}`);
          } else console.log(renderTerminal(report));
        }),
      ),
    );

  audit
    .command('export <目录>')
    .description('导出离线审计包：执行历史（Temporal JSON 格式）、事件日志切片和带哈希的清单')
    .requiredOption('--cycle <周期编号>', '导出的督导周期')
    .action((dir: string, opts) =>
      run(async () => {
        const scope: AuditScope = { cycleId: opts.cycle };
        const manifest = await withTemporal((client) =>
          withDatabase(async ({ db }) =>
            exportBundle(
              liveSource(client, db, scope),
              scope,
              dir,
              progressBar('导出执行历史', '个工作流'),
              await modelChecksums(db, 'public', opts.cycle),
            ),
          ),
        );
        console.log(
          `已导出到 ${dir}：${manifest.histories.length} 份执行历史，${manifest.events.count} 条事件。`,
        );
        console.log(`离线核对：dudao audit verify --from ${dir}；离线回放：dudao audit replay --from ${dir}`);
      }),
    );
}

type SourceOptions = { cycle?: string; all?: boolean; from?: string };

/** A bundle needs neither Temporal nor the database; otherwise read both, read-only. */
async function withSource<T>(
  workflowId: string | undefined,
  opts: SourceOptions,
  fn: (source: AuditSource, db: Kysely<Database> | null) => Promise<T>,
): Promise<T> {
  if (opts.from) return fn(await bundleSource(opts.from), null);
  const scope: AuditScope = workflowId
    ? { workflowId }
    : opts.cycle
      ? { cycleId: opts.cycle }
      : opts.all
        ? { all: true }
        : missingScope();
  return withTemporal((client) => withDatabase(({ db }) => fn(liveSource(client, db, scope), db)));
}

/** Live: rebuild into a scratch schema beside the live models. Offline: rebuild the bundle's events
 * in a throwaway embedded database and compare with the checksums recorded at export. */
function modelCheck(
  source: AuditSource,
  db: Kysely<Database> | null,
): (() => Promise<ModelComparison[]>) | null {
  if (db) return () => verifyModels(db);
  const manifest = (source as Partial<Awaited<ReturnType<typeof bundleSource>>>).manifest;
  if (!manifest?.models) return null;
  const cycleId = 'cycleId' in manifest.scope ? manifest.scope.cycleId : undefined;
  const recorded = manifest.models;
  return async () => verifyBundleModels([...(await source.log()).values()].flat(), recorded, cycleId);
}

const missingScope = (): never => {
  throw new Error('请指定范围：工作流ID、--cycle <周期编号>、--all，或 --from <审计包目录>');
};

function printReplay(verdicts: ReplayVerdict[], json: boolean): void {
  if (json) {
    console.log(
      JSON.stringify({ deterministic: verdicts.every((v) => v.deterministic), runs: verdicts }, null, 2),
    );
    return;
  }
  console.log(
    renderTable(
      ['工作流', '运行', '结论', '首个分歧'],
      verdicts.map((v) => [
        v.workflowId,
        v.runId.slice(0, 8),
        v.deterministic ? '✅ 确定' : '❌ 不确定',
        v.divergence?.split('\n')[0] ?? '—',
      ]),
    ),
  );
  const bad = verdicts.filter((v) => !v.deterministic).length;
  console.log(
    bad
      ? `\n结论：${bad}/${verdicts.length} 次运行回放不一致，当前代码与历史执行不符。`
      : `\n结论：全部 ${verdicts.length} 次运行回放一致。`,
  );
}

function printVerdict(v: AuditVerdict, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(v, null, 2));
    return;
  }
  console.log(
    renderTable(
      ['流（工作流）', '历史事件', '日志事件', '结论'],
      v.streams.map((s) => [
        s.streamId,
        s.historyEvents,
        s.logEvents,
        s.agrees ? '✅ 一致' : `❌ ${s.findings.length} 处问题`,
      ]),
    ),
  );
  for (const s of v.streams.filter((x) => !x.agrees)) {
    console.log(`\n${s.streamId}：`);
    for (const f of s.findings) console.log(`  - ${findingLabel(f)}`);
  }
  if (v.models) {
    console.log(
      '\n' +
        renderTable(
          ['读模型', '现有行数', '重建行数', '结论'],
          v.models.map((m) => [m.name, m.a.rows, m.b.rows, m.equal ? '✅ 一致' : '❌ 不一致']),
        ),
    );
  }
  console.log(
    v.agrees
      ? `\n总结论：一致。${v.counts.workflows} 个工作流（${v.counts.runs} 次运行）、${v.counts.events} 条事件，执行历史与事件日志相符${v.models ? '，报表可由日志重建' : ''}。`
      : '\n总结论：不一致，见上列问题。',
  );
}
