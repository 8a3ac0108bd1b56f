import type { Command } from 'commander';
import { withDatabase } from '../context';
import { renderTable } from '../../reports/table';
import { run } from '../run';

/** 主要指标: the baselines each plan line starts from. */
export function registerIndicatorCommands(program: Command): void {
  const indicator = program.command('indicator').description('主要指标：基期值录入与查看');
  const baseline = indicator
    .command('baseline')
    .description('基期值：规划基期年（如 2015 年）的实际值，计划进度线由此起算');

  baseline
    .command('set <指标编号>')
    .description('录入或更正某项指标的基期值（再次录入相同的值不作更改）')
    .requiredOption('--metric <指标>', '指标名称或序号（从 1 起，按规划所列），例如 学前三年入园率 或 1')
    .requiredOption('--value <数值>', '基期值，例如 92.5', Number)
    .option('--year <年份>', '基期年份（默认规划开始前一年，如 2015）', Number)
    .option('--source <数据来源>', '基期值的数据来源，例如 2015年教育事业统计年报')
    .option('--plan <规划编号>', '规划编号（默认最近导入的规划）', Number)
    .option('--by <录入人>', '录入人', '督导处')
    .action(
      (
        itemId: string,
        opts: { metric: string; value: number; year?: number; source?: string; plan?: number; by: string },
      ) =>
        run(async () => {
          const { setBaseline } = await import('../../app/indicators.js');
          const { changed, row } = await withDatabase(({ db }) =>
            setBaseline(
              db,
              {
                itemId,
                metric: opts.metric,
                value: opts.value,
                year: opts.year,
                source: opts.source,
                planId: opts.plan,
              },
              opts.by,
            ),
          );
          const what = `${row.itemId} ${row.metric} ${row.year}年基期值 ${row.value}${row.unit}（${row.source}）`;
          console.log(changed ? `已录入 ${what}。` : `${what} 已录入，无需更改。`);
        }),
    );

  baseline
    .command('list')
    .description('列出已录入的基期值')
    .option('--plan <规划编号>', '规划编号（默认最近导入的规划）', Number)
    .action((opts: { plan?: number }) =>
      run(() =>
        withDatabase(async ({ db }) => {
          const { listBaselines } = await import('../../app/indicators.js');
          const rows = await listBaselines(db, opts.plan);
          console.log(
            rows.length
              ? renderTable(
                  ['指标', '名称', '指标项', '基期年', '基期值', '数据来源', '录入人'],
                  rows.map((r) => [
                    r.itemId,
                    r.title,
                    r.metric,
                    String(r.year),
                    `${r.value}${r.unit}`,
                    r.source,
                    r.recordedBy,
                  ]),
                )
              : '尚未录入基期值：用 dudao indicator baseline set <指标编号> --metric … --value … 录入。',
          );
        }, 'reader'),
      ),
    );
}
