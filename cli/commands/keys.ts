import path from 'node:path';
import type { Command } from 'commander';
import { generateKey, rotateKey } from '../../app/keys';
import { operatorKeyFile, serviceKeyFile } from '../../app/key-files';
import { listSigningKeys, revokeSigningKey } from '../../db/signing-keys';
import type { KeyKind } from '../../app/signing';
import { dataDir } from '../../stack/paths';
import { withDatabase } from '../context';
import { operatorKeyPath } from '../actor';
import { renderTable } from '../../reports/table';
import { run } from '../run';

const kindLabel: Record<KeyKind, string> = { service: '服务（网页接口）', operator: '操作员（命令行）' };

const parseKind = (kind: string): KeyKind => {
  if (kind !== 'service' && kind !== 'operator')
    throw new Error(`密钥类型“${kind}”无效，应为 operator 或 service`);
  return kind;
};

/** The file a kind of key lives in unless --file names another. */
const defaultFile = (kind: KeyKind): string =>
  kind === 'service' ? serviceKeyFile(dataDir()) : operatorKeyPath();

const time = (t: Date | null): string => (t ? t.toISOString().replace('T', ' ').slice(0, 19) : '—');

/**
 * Command-signing keys (Ed25519): the private key stays in a 0600 file on the machine that signs,
 * the public key goes to `signing_keys`, where every worker reads it. Runs as the owner login
 * (DATABASE_URL): neither the web server nor the workers may add or revoke keys.
 */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('命令签名密钥：生成、列出、轮换、吊销（属主登录）');

  keys
    .command('generate')
    .description('生成签名密钥：私钥写入权限 600 的文件，公钥登记到数据库')
    .option(
      '--kind <类型>',
      '操作员（operator，命令行 --as 使用）或服务（service，网页接口使用）',
      'operator',
    )
    .option('--label <名称>', '密钥说明，例如持有人姓名')
    .option(
      '--file <路径>',
      `私钥文件（默认：操作员 ${path.relative(process.cwd(), operatorKeyFile(dataDir()))}，服务 ${path.relative(process.cwd(), serviceKeyFile(dataDir()))}）`,
    )
    .action((opts: { kind: string; label?: string; file?: string }) =>
      run(() =>
        withDatabase(async ({ db }) => {
          const kind = parseKind(opts.kind);
          const file = opts.file ?? defaultFile(kind);
          const signer = await generateKey(
            db,
            file,
            kind,
            opts.label ?? `${kindLabel[kind]} ${process.env.USER ?? ''}`.trim(),
          );
          console.log(
            `已生成${kindLabel[kind]}签名密钥 ${signer.keyId}，私钥：${file}（权限 600，请勿外传）。`,
          );
        }),
      ),
    );

  keys
    .command('list')
    .description('列出已登记的签名密钥（公钥）')
    .action(() =>
      run(() =>
        withDatabase(async ({ db }) => {
          const rows = (await listSigningKeys(db)).map((k) => [
            k.key_id,
            kindLabel[k.kind],
            k.label,
            time(k.created_at),
            !k.revoked_at
              ? '有效'
              : k.revoked_at.getTime() > Date.now()
                ? `将于 ${time(k.revoked_at)} 吊销`
                : `已吊销 ${time(k.revoked_at)}`,
          ]);
          console.log(
            rows.length
              ? renderTable(['密钥编号', '类型', '说明', '登记时间', '状态'], rows)
              : '尚无签名密钥。',
          );
        }, 'web'),
      ),
    );

  keys
    .command('rotate')
    .description('换新密钥：登记新公钥、替换私钥文件，旧密钥在两分钟后吊销（已发出的命令仍可送达）')
    .option('--kind <类型>', 'operator 或 service', 'operator')
    .option('--file <路径>', '要轮换的私钥文件（默认同 generate）')
    .action((opts: { kind: string; file?: string }) =>
      run(() =>
        withDatabase(async ({ db }) => {
          const file = opts.file ?? defaultFile(parseKind(opts.kind));
          const r = await rotateKey(db, file);
          console.log(`已换新密钥 ${r.next}（${file}）；旧密钥 ${r.old} 将于 ${time(r.revokedAt)} 吊销。`);
        }),
      ),
    );

  keys
    .command('revoke <密钥编号>')
    .description('立即吊销一个密钥：之后用它签名的命令一律被拒绝')
    .action((keyId: string) =>
      run(() =>
        withDatabase(async ({ db }) => {
          if (!(await revokeSigningKey(db, keyId))) throw new Error(`没有有效的签名密钥 ${keyId}`);
          console.log(`已吊销签名密钥 ${keyId}。`);
        }),
      ),
    );
}
