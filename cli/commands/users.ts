import type { Command } from 'commander';
import { createApiToken, listApiTokens, revokeApiToken } from '../../app/identity/tokens';
import { createUser, disableUser, listUsers, UserRole } from '../../app/identity/users';
import { generatePassword } from '../../app/identity/passwords';
import { checkUnit } from '../../app/identity/accounts';
import { accountUnits } from '../../app/units';
import { roleLabel } from '../../domain/principal';
import { withDatabase } from '../context';
import { renderTable } from '../../reports/table';
import { run } from '../run';

/** Account administration does what the web workspace's administrators do, with its role. */
const asWeb = <T>(fn: Parameters<typeof withDatabase<T>>[0]) => withDatabase(fn, 'web');

/** Who performed an administrative change, for the security audit (the operator's OS account). */
const operator = () => `cli:${process.env.USER ?? 'unknown'}`;

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('账号管理（管理员）：新增、列出、停用');

  user
    .command('add <用户名>')
    .description('新增账号；不给 --password 时生成随机密码并只显示一次')
    .requiredOption('--role <角色>', `角色：${UserRole.options.join('、')}`)
    .option('--unit <单位>', '所属单位（单位经办人、单位负责人必填；督导处默认“督导处”）')
    .option('--name <姓名>', '显示名称（默认同用户名）')
    .option('--password <密码>', '初始密码（至少10位；建议省略，由系统生成）')
    .action((username: string, opts: { role: string; unit?: string; name?: string; password?: string }) =>
      run(() =>
        asWeb(async ({ db }) => {
          const password = opts.password ?? generatePassword();
          const parsedRole = UserRole.safeParse(opts.role);
          if (!parsedRole.success)
            throw new Error(`角色“${opts.role}”无效，应为 ${UserRole.options.join('、')}`);
          const role = parsedRole.data;
          const unit = checkUnit(
            role,
            opts.unit ?? (role === 'inspector' ? '督导处' : null),
            await accountUnits(db),
          );
          const created = await createUser(
            db,
            {
              username,
              displayName: opts.name ?? username,
              role,
              unit,
              password,
            },
            operator(),
          );
          console.log(
            `已创建账号 ${created.username}（${roleLabel[created.role]}${created.unit ? ` · ${created.unit}` : ''}）。`,
          );
          if (!opts.password) console.log(`初始密码：${password}（只显示这一次）`);
        }),
      ),
    );

  user
    .command('list')
    .description('列出账号')
    .action(() =>
      run(() =>
        asWeb(async ({ db }) => {
          const rows = (await listUsers(db)).map((u) => [
            u.username,
            u.displayName,
            roleLabel[u.role],
            u.unit ?? '—',
            u.disabled ? '已停用' : '正常',
          ]);
          console.log(renderTable(['用户名', '姓名', '角色', '单位', '状态'], rows));
        }),
      ),
    );

  user
    .command('disable <用户名>')
    .description('停用账号（立即结束其会话并吊销其令牌）')
    .action((username: string) =>
      run(() =>
        asWeb(async ({ db }) => {
          await disableUser(db, username, operator());
          console.log(`已停用账号 ${username}。`);
        }),
      ),
    );

  const token = program.command('token').description('API 访问令牌（管理员）：创建、列出、吊销');
  token
    .command('create <用户名>')
    .description('为账号创建访问令牌（只显示一次），脚本以 Authorization: Bearer <令牌> 调用接口')
    .option('--label <说明>', '用途说明', '脚本')
    .option('--days <天数>', '有效天数（默认长期有效，直至吊销）', Number)
    .action((username: string, opts: { label: string; days?: number }) =>
      run(() =>
        asWeb(async ({ db }) => {
          const created = await createApiToken(db, username, opts.label, operator(), opts.days);
          console.log(`已创建令牌 #${created.id}：${created.token}`);
          console.log('令牌只显示这一次，请妥善保存；吊销：dudao token revoke ' + created.id);
        }),
      ),
    );
  token
    .command('list')
    .description('列出令牌（不含令牌内容）')
    .action(() =>
      run(() =>
        asWeb(async ({ db }) => {
          const rows = (await listApiTokens(db)).map((t) => [
            String(t.id),
            t.username,
            t.label,
            t.created_at.toISOString().slice(0, 10),
            t.revoked_at ? '已吊销' : t.expires_at && t.expires_at < new Date() ? '已过期' : '有效',
          ]);
          console.log(renderTable(['编号', '用户名', '说明', '创建日期', '状态'], rows));
        }),
      ),
    );
  token
    .command('revoke <编号>')
    .description('吊销令牌')
    .action((id: string) =>
      run(() =>
        asWeb(async ({ db }) => {
          await revokeApiToken(db, Number(id), operator());
          console.log(`已吊销令牌 #${id}。`);
        }),
      ),
    );
}
