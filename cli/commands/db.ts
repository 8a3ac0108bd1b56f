import type { Command } from 'commander';
import { openDatabaseAs } from '../../stack/database';
import { redactDatabaseUrl } from '../../stack/postgres';
import { run } from '../run';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('数据库维护');
  db.command('migrate')
    .description('执行数据库迁移')
    .action(() =>
      run(async () => {
        const handle = await openDatabaseAs('owner');
        console.log(`数据库已迁移到最新：${redactDatabaseUrl(handle.url)}`);
        await handle.close();
      }),
    );
}
