import type { Command } from 'commander';
import { parseActor, type Principal } from '../domain/principal';

/**
 * The acting identity, from `--as <单位>:<角色>` or DUDAO_AS; real sign-in comes with the web API.
 * Every command passes it into the workflow, whose validators authorize it again.
 */
export function actorFrom(opts: { as?: string }, fallback?: string): Principal {
  const spec = opts.as ?? process.env.DUDAO_AS ?? fallback;
  if (!spec)
    throw new Error('请用 --as <单位>:<角色> 指明身份，例如 --as 基教处:unit_staff 或 --as 督导处:inspector');
  return parseActor(spec, process.env.USER ?? 'cli');
}

export const withActorOption = (cmd: Command, example = '基教处:unit_staff'): Command =>
  cmd.option('--as <单位:角色>', `以谁的身份操作（例如 ${example}；也可设置 DUDAO_AS）`);
