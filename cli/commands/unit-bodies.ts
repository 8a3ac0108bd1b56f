import fs from 'node:fs';
import type { Command } from 'commander';
import { withDatabase } from '../context';
import { renderTable } from '../../reports/table';
import { run } from '../run';

/** 单位目录's hierarchy (多级下发): import bodies from a CSV, list them. */
export function registerBodyCommands(unit: Command): void {
  const bodies = unit.command('bodies').description('下级单位目录（多级下发）：导入、查看');

  bodies
    .command('import <CSV文件>')
    .description('从 CSV 导入下级单位，表头为 上级单位,单位名称（上级单位须已在目录中或在前面的行中登记）')
    .action((file: string) =>
      run(async () => {
        if (!fs.existsSync(file)) throw new Error(`找不到文件 ${file}`);
        const { importBodies } = await import('../../app/units.js');
        const added = await withDatabase(({ db }) => importBodies(db, fs.readFileSync(file, 'utf8')));
        console.log(
          added.length
            ? `已登记 ${added.length} 个下级单位：${added.map((b) => `${b.name}（${b.parent}）`).join('、')}。`
            : '文件中的下级单位都已登记，无需更改。',
        );
      }),
    );

  bodies
    .command('list')
    .description('列出下级单位及其上级单位')
    .option('--unit <单位>', '只看某单位的直属下级单位')
    .action((opts: { unit?: string }) =>
      run(() =>
        withDatabase(async ({ db }) => {
          const { unitDirectory } = await import('../../app/units.js');
          const rows = (await unitDirectory(db)).filter(
            (e) => e.parent !== null && (opts.unit === undefined || e.parent === opts.unit),
          );
          console.log(
            rows.length
              ? renderTable(
                  ['单位', '上级单位'],
                  rows.map((r) => [r.name, r.parent!]),
                )
              : '尚未登记下级单位：用 dudao unit bodies import <CSV文件> 导入。',
          );
        }, 'reader'),
      ),
    );
}
