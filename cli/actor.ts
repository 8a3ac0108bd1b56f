import fs from 'node:fs';
import type { Command } from 'commander';
import { parseActor, type Principal } from '../domain/principal';
import { operatorKeyFile } from '../app/key-files';
import { dataDir } from '../stack/paths';

/** The operator's key file: DUDAO_SIGNING_KEY, else `<data>/keys/operator.json` (dudao keys generate). */
export const operatorKeyPath = (): string => process.env.DUDAO_SIGNING_KEY ?? operatorKeyFile(dataDir());

/**
 * The acting identity, from `--as <单位>:<角色>` or DUDAO_AS. Every command the CLI sends is
 * signed with the operator's key and the workflow verifies it, so acting as anyone needs that key:
 * without one the CLI refuses before sending anything.
 */
export function actorFrom(opts: { as?: string }, fallback?: string): Principal {
  const spec = opts.as ?? process.env.DUDAO_AS ?? fallback;
  if (!spec)
    throw new Error('请用 --as <单位>:<角色> 指明身份，例如 --as 基教处:unit_staff 或 --as 督导处:inspector');
  const actor = parseActor(spec, process.env.USER ?? 'cli');
  if (actor.role === 'system') throw new Error('“系统”身份不能从外部发出命令');
  const key = operatorKeyPath();
  if (!fs.existsSync(key))
    throw new Error(
      `以“${spec}”的身份操作需要操作员签名密钥，但找不到 ${key}：请先执行 dudao keys generate（或设置 DUDAO_SIGNING_KEY 指向密钥文件）`,
    );
  return actor;
}

export const withActorOption = (cmd: Command, example = '基教处:unit_staff'): Command =>
  cmd.option('--as <单位:角色>', `以谁的身份操作（例如 ${example}；也可设置 DUDAO_AS；需要操作员签名密钥）`);
