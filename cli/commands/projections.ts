import type { Command } from 'commander';
import { progressBar } from '../progress';
import { openDatabaseAs } from '../../stack/database';
import { readModels } from '../../db/projections/models';
import { checkpointOf, LIVE_SCHEMA } from '../../db/projections/read-model';
import {
  compareModels,
  positionAt,
  rebuildInto,
  rebuildLive,
  type ModelComparison,
  type RebuildOptions,
} from '../../db/projections/rebuild';
import { renderTable } from '../../reports/table';
import { run } from '../run';

interface RebuildFlags {
  only?: string[];
  asOf?: string;
  schema?: string;
  batch: string;
}

export function registerProjectionCommands(program: Command): void {
  const projections = program.command('projections').description('读模型（由事件日志派生）的重建与核对');
  projections
    .command('rebuild')
    .description('从事件日志分批重建读模型，并核对重建结果与现有读模型一致')
    .option('--only <name...>', `只重建指定读模型：${readModels.map((m) => m.name).join('、')}`)
    .option(
      '--as-of <time|position>',
      '只回放到该时点（计划时间）或事件位置，重建到单独的模式，用于查看历史看板',
    )
    .option('--schema <name>', '重建到指定模式（不动正式读模型），重建后与正式读模型核对')
    .option('--batch <n>', '每批事件数', '5000')
    .action((flags: RebuildFlags) => run(() => rebuild(flags)));
  projections
    .command('status')
    .description('各读模型已应用到的事件位置')
    .action(() => run(status));
}

async function rebuild(flags: RebuildFlags): Promise<void> {
  const handle = await openDatabaseAs('owner');
  try {
    const options: RebuildOptions = {
      only: flags.only,
      batchSize: Number(flags.batch),
      onProgress: progressBar('重建读模型', '条事件'),
    };
    if (flags.asOf !== undefined) {
      const isPosition = /^\d+$/.test(flags.asOf);
      const position = isPosition ? flags.asOf : await positionAt(handle.db, flags.asOf);
      const schema = flags.schema ?? `asof_${position}`;
      const range = isPosition
        ? { upToPosition: flags.asOf }
        : { upToTime: new Date(flags.asOf).toISOString() };
      const { events } = await rebuildInto(handle.db, schema, { ...options, ...range });
      console.log(
        `已将截至${isPosition ? `事件位置 ${flags.asOf}` : ` ${flags.asOf} `}的 ${events} 条事件重建到模式 ${schema}。`,
      );
      console.log(`查看当时的看板：dudao report cycle <编号> --schema ${schema} --at ${flags.asOf}`);
      return;
    }
    if (flags.schema !== undefined) {
      const { events } = await rebuildInto(handle.db, flags.schema, options);
      console.log(`已将 ${events} 条事件重建到模式 ${flags.schema}，与正式读模型核对：`);
      finish(await compareModels(handle.db, LIVE_SCHEMA, flags.schema, flags.only), '正式', flags.schema);
      return;
    }
    const { events, comparison } = await rebuildLive(handle.db, options);
    console.log(`已从 ${events} 条事件重建正式读模型，与重建前核对：`);
    finish(comparison, '重建前', '重建后');
  } finally {
    await handle.close();
  }
}

function finish(comparison: ModelComparison[], a: string, b: string): void {
  console.log(
    renderTable(
      ['读模型', `${a}行数`, `${b}行数`, `${a}校验和`, `${b}校验和`, '一致'],
      comparison.map((c) => [
        c.name,
        c.a.rows,
        c.b.rows,
        c.a.checksum.slice(0, 12),
        c.b.checksum.slice(0, 12),
        c.equal ? '是' : '否',
      ]),
    ),
  );
  const differing = comparison.filter((c) => !c.equal).map((c) => c.name);
  if (differing.length > 0) {
    console.error(`核对不一致：${differing.join('、')}。读模型可能曾被直接修改，或投影代码已变更而未重建。`);
    process.exitCode = 1;
  }
}

async function status(): Promise<void> {
  const handle = await openDatabaseAs('reader');
  try {
    const head = await handle.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('position').as('position'))
      .executeTakeFirst();
    const latest = BigInt(head?.position ?? 0);
    const rows = await Promise.all(
      readModels.map(async (m) => {
        const at = await checkpointOf(handle.db, LIVE_SCHEMA, m.name);
        return [m.name, m.version, String(at), String(latest - at)];
      }),
    );
    console.log(renderTable(['读模型', '版本', '已应用位置', '落后事件数'], rows));
  } finally {
    await handle.close();
  }
}
