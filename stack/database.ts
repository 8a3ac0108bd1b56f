import { sql, type Kysely } from 'kysely';
import { connectDatabase, databaseOf, type DatabaseHandle } from '../db/connect';
import { migrateToLatest, pendingMigrations } from '../db/migrate';
import { roleName, type DatabaseRole } from '../db/roles';
import { SetupError } from './errors';
import { ensureDatabaseExists, ensurePostgres, redactDatabaseUrl, whileStartingUp } from './postgres';

/**
 * How a process gets its database role. DATABASE_URL is the owner's (migrations, imports,
 * rebuilds, audits). A process that is not the owner connects with its role's own URL when one is
 * set (an operator gave the role, or a login in it, a password: the deployment way), else with
 * DATABASE_URL; either way every connection takes `<database>_<role>` as it opens.
 */
export const roleUrlVariable = {
  worker: 'DUDAO_WORKER_DATABASE_URL',
  web: 'DUDAO_WEB_DATABASE_URL',
  reader: 'DUDAO_READER_DATABASE_URL',
} as const satisfies Record<Exclude<DatabaseRole, 'owner'>, string>;

/** The URL of a role's own login, with the variable that named it, when the environment sets one. */
function ownLogin(role: DatabaseRole): { url: string; variable: string } | null {
  if (role === 'owner') return null;
  const variable = roleUrlVariable[role];
  const url = process.env[variable];
  return url ? { url, variable } : null;
}

/**
 * A pool acting as `role`: through the role's own login when its URL is set (that login cannot
 * migrate, so the schema must already be current), else through the owner's login at `ownerUrl`
 * taking the role.
 */
export async function connectAs(
  role: DatabaseRole,
  ownerUrl: string,
  poolSize = 10,
): Promise<DatabaseHandle> {
  const own = ownLogin(role);
  const handle = connectDatabase(own?.url ?? ownerUrl, poolSize, role === 'owner' ? undefined : role);
  try {
    await probe(handle, role, own?.variable ?? 'DATABASE_URL');
    if (own) await assertMigrated(handle.db as Kysely<unknown>, own.variable);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

/**
 * Opens the database the CLI works on as `role`: `url`, else DATABASE_URL, else the embedded
 * PostgreSQL (started for the duration of the handle). Pending migrations run first, as the owner
 * — except when the role has a URL of its own, whose login may not migrate.
 */
export async function openDatabaseAs(
  role: DatabaseRole,
  opts: { url?: string; poolSize?: number } = {},
): Promise<DatabaseHandle> {
  const own = ownLogin(role);
  if (own) return connectAs(role, own.url, opts.poolSize);
  let stopServer: () => Promise<void> = async () => undefined;
  let url = opts.url ?? process.env.DATABASE_URL;
  if (url) {
    await ensureDatabaseExists(url);
  } else {
    const pg = await ensurePostgres();
    url = pg.url;
    stopServer = pg.stop;
  }
  try {
    const owner = connectDatabase(url, role === 'owner' ? opts.poolSize : 1);
    try {
      await migrateToLatest(owner.db as Kysely<unknown>);
    } finally {
      if (role !== 'owner') await owner.close();
    }
    const handle = role === 'owner' ? owner : await connectAs(role, url, opts.poolSize);
    return {
      ...handle,
      close: async () => {
        await handle.close();
        await stopServer();
      },
    };
  } catch (err) {
    await stopServer();
    throw err;
  }
}

async function probe(handle: DatabaseHandle, role: DatabaseRole, variable: string): Promise<void> {
  try {
    await whileStartingUp(() => sql`SELECT 1`.execute(handle.db));
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Missing role (42704) or not a member of it (42501): the login cannot act as the role.
    if (code === '42704' || code === '42501' || code === '22023')
      throw new SetupError(
        `无法以数据库角色 ${roleName(databaseOf(handle.url), role)} 连接 ${redactDatabaseUrl(handle.url)}：${(err as Error).message}`,
        `请先用所有者账号（DATABASE_URL）运行 dudao db migrate 创建角色；${variable} 的用户须是该角色本身或其成员（见 README“数据库角色”）。`,
      );
    throw err;
  }
}

async function assertMigrated(db: Kysely<unknown>, variable: string): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length > 0)
    throw new SetupError(
      `数据库尚未迁移到最新（待执行：${pending.join('、')}），而 ${variable} 的账号无权迁移。`,
      '请先用所有者账号运行：DATABASE_URL=… npx dudao db migrate，再启动本进程。',
    );
}
