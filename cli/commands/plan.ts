/**
 * dudao plan parse | import | show: reading a 任务分工方案 and keeping its versions in the database.
 * Errors go to stderr in Chinese with a non-zero exit; nothing reaches the database unless the parse
 * succeeded.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { openDatabaseAs } from '../../stack/database';
import { everyYearsText } from '../../domain/labels';
import { coUnits, leadUnit, type ItemKind, type Plan, type PlanItem } from '../../domain/plan';
import { importPlan, listPlanVersions, loadPlanVersion } from '../../seeds/import';
import type { PlanDiff } from '../../seeds/parser/diff';
import { describeLocation } from '../../seeds/formats/model';
import { parsePlanFile } from '../../seeds/parser/document';
import { fileProblem } from '../output';

const KIND_NAMES: Record<ItemKind, string> = {
  indicator: '主要指标',
  task: '任务',
  major_project: '重大项目',
};

export function registerPlanCommands(program: Command): void {
  const plan = program.command('plan').description('规划（任务分工方案）：解析、导入、查看');

  plan
    .command('parse <file>')
    .description('解析任务分工方案（.txt、.docx、.pdf、.xlsx、.csv），显示条目、责任单位、节点和警告')
    .option('--json', '以 JSON 输出解析结果')
    .action(async (file: string, options: { json?: boolean }) => {
      const parsed = await readPlanFile(file);
      if (!parsed) return;
      process.stdout.write(
        options.json ? `${JSON.stringify(parsed.plan, null, 2)}\n` : formatSummary(parsed.plan),
      );
    });

  plan
    .command('import <file>')
    .description(
      '解析并导入任务分工方案（.txt、.docx、.pdf、.xlsx、.csv）；内容未变则不重复导入，修订稿生成新版本',
    )
    .action(async (file: string) => {
      const parsed = await readPlanFile(file);
      if (!parsed) return;
      const handle = await openDatabaseAs('owner');
      try {
        const result = await importPlan(handle.db, parsed.plan, parsed.text, path.basename(file));
        if (result.status === 'unchanged') {
          console.log(
            `内容与已导入的第 ${result.version} 版相同，未做任何更改（规划编号 ${result.planId}）。`,
          );
        } else {
          console.log(
            `已导入“${parsed.plan.title}”第 ${result.version} 版（规划编号 ${result.planId}）：` +
              `${parsed.plan.items.length} 个条目，${parsed.plan.warnings.length} 条警告。`,
          );
          if (result.diff) process.stdout.write(formatDiff(result.diff));
        }
      } finally {
        await handle.close();
      }
    });

  plan
    .command('show')
    .description('列出已导入的规划及其版本；指定 --version 时列出该版本的条目')
    .option('--version <n>', '版本号', (v) => Number.parseInt(v, 10))
    .option('--plan <id>', '规划编号（默认最近导入的规划）', (v) => Number.parseInt(v, 10))
    .action(async (options: { version?: number; plan?: number }) => {
      const handle = await openDatabaseAs('owner');
      try {
        if (options.version === undefined) {
          const versions = await listPlanVersions(handle.db);
          if (versions.length === 0) console.log('数据库中还没有规划，请先用 dudao plan import 导入。');
          for (const v of versions) {
            console.log(
              `规划 ${v.planId}《${v.title}》第 ${v.version} 版：${v.itemCount} 个条目，${v.warningCount} 条警告，` +
                `来源 ${v.sourceName}，导入于 ${v.importedAt.toISOString()}`,
            );
          }
        } else {
          const stored = await loadPlanVersion(handle.db, options.plan, options.version);
          console.log(`规划 ${stored.planId} 第 ${stored.version} 版`);
          process.stdout.write(formatSummary(stored.plan, { listItems: true }));
        }
      } catch (error) {
        fail((error as Error).message);
      } finally {
        await handle.close();
      }
    });
}

async function readPlanFile(file: string): Promise<{ plan: Plan; text: string } | null> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return fail(fileProblem(error, file) ?? `无法读取文件 ${file}：${(error as Error).message}`);
  }
  const outcome = await parsePlanFile(bytes, path.basename(file));
  return outcome.ok ? outcome : fail(`${file}：${outcome.error}`);
}

function fail(message: string): null {
  console.error(`错误：${message}`);
  process.exitCode = 1;
  return null;
}

export function formatSummary(plan: Plan, options: { listItems?: boolean } = {}): string {
  const out: string[] = [];
  out.push(`规划：${plan.title || '（无标题）'}`);
  out.push(`发文单位：${plan.issuer ?? '未注明'}，发文日期：${plan.issuedOn ?? '未注明'}`);
  const counts = (Object.keys(KIND_NAMES) as ItemKind[]).map(
    (k) => `${KIND_NAMES[k]} ${plan.items.filter((i) => i.kind === k).length} 项`,
  );
  out.push(`条目：共 ${plan.items.length} 项（${counts.join('，')}）`);
  out.push(`责任单位（${plan.units.length} 个）：${plan.units.join('、')}`);
  const projects = plan.items.filter((i) => i.kind === 'major_project');
  out.push('', `重大项目（${projects.length} 项）：`);
  for (const p of projects) {
    out.push(`  [${p.id}] ${p.title}（${describeLocation(p.sourceLine, p.location)}）`);
    out.push(`    ${unitRoles(p)}`);
    for (const m of p.milestones) out.push(`    节点 ${m.dueOn ?? `${m.year} 年`}：${m.text}`);
    for (const r of p.recurrences)
      out.push(`    周期：${everyYearsText(r.everyYears)}（${truncate(r.text)}）`);
  }
  const tabled = plan.items.filter((i) => i.kind !== 'major_project' && (i.leadUnits || i.deadline));
  if (tabled.length > 0) {
    out.push('', `任务表条目（${tabled.length} 项）：`);
    for (const i of tabled) {
      out.push(`  [${i.id}] ${i.title}（${describeLocation(i.sourceLine, i.location)}）`);
      out.push(`    ${unitRoles(i)}${i.deadline ? `；完成时限：${i.deadline}` : ''}`);
    }
  }
  if (options.listItems) {
    out.push('', '全部条目：');
    for (const i of plan.items) {
      out.push(`  [${i.id}] ${KIND_NAMES[i.kind]}｜${i.title}｜${i.units.join('、') || '无责任单位'}`);
    }
  }
  out.push('', `警告（${plan.warnings.length} 条）：`);
  for (const w of plan.warnings) out.push(`  ${describeLocation(w.line, w.location)}：${w.message}`);
  return `${out.join('\n')}\n`;
}

/** 牵头 / 配合 as the source names them: a 牵头单位 column when there is one, else the first unit leads. */
function unitRoles(item: PlanItem): string {
  const lead = item.leadUnits ?? (leadUnit(item) ? [leadUnit(item)!] : []);
  const co = item.leadUnits ? item.units.filter((u) => !lead.includes(u)) : coUnits(item);
  return `牵头单位：${lead.join('、') || '未注明'}；配合单位：${co.join('、') || '无'}`;
}

function formatDiff(diff: PlanDiff): string {
  const out = [
    `与上一版相比：新增 ${diff.added.length} 项，删除 ${diff.removed.length} 项，修改 ${diff.changed.length} 项，未变 ${diff.unchanged} 项。`,
  ];
  for (const i of diff.added) out.push(`  + [${i.id}] ${i.title}`);
  for (const i of diff.removed) out.push(`  - [${i.id}] ${i.title}`);
  for (const c of diff.changed)
    out.push(`  ~ [${c.after.id}] ${c.after.title}（变化：${c.fields.join('、')}）`);
  return `${out.join('\n')}\n`;
}

function truncate(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
