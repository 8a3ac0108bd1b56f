import type { Command } from 'commander';
import { z } from 'zod';
import { knownUnits, listUnitChannels, removeUnitChannel, setUnitChannel } from '../../db/unit-channels';
import { channelLabel } from '../../worker/channels/channel';
import { withDatabase } from '../context';
import { renderTable } from '../../reports/table';
import { run } from '../run';
import { registerBodyCommands } from './unit-bodies';

const operator = () => `cli:${process.env.USER ?? 'unknown'}`;
const Url = z.url({ protocol: /^https?$/ });
const Email = z.email();

type ChannelOptions = {
  dingtalk?: string;
  secret?: string;
  wecom?: string;
  email?: string;
  webhook?: string;
  log?: boolean;
};

/** Exactly one channel from the options, validated; anything else is refused before it is stored. */
function channelFrom(unit: string, o: ChannelOptions) {
  const given = (['dingtalk', 'wecom', 'email', 'webhook', 'log'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1)
    throw new Error(
      `请为${unit}指定且只指定一个渠道：--dingtalk <机器人地址> [--secret <加签密钥>]、--wecom <机器人地址>、--email <邮箱>、--webhook <地址> 或 --log`,
    );
  const channel = given[0]!;
  if (o.secret !== undefined && channel !== 'dingtalk')
    throw new Error('--secret 只用于钉钉机器人的加签密钥（与 --dingtalk 一起使用）。');
  if (channel === 'log') return { channel, address: null, secret: null };
  const address = o[channel] as string;
  if (channel === 'email') {
    if (!Email.safeParse(address).success) throw new Error(`“${address}”不是有效的邮箱地址。`);
  } else if (!Url.safeParse(address).success)
    throw new Error(
      `“${address}”不是有效的 http(s) 地址：请粘贴${channelLabel[channel]}的完整 Webhook 地址。`,
    );
  return { channel, address, secret: o.secret ?? null };
}

const masked = (secret: string | null) => (secret ? `${secret.slice(0, 6)}…（已隐藏）` : '—');

/** 单位目录: where each unit's 催办/督办 notices go. */
export function registerUnitCommands(program: Command): void {
  const unit = program.command('unit').description('单位目录：各单位接收催办/督办通知的渠道，下级单位');
  registerBodyCommands(unit);
  const channel = unit.command('channel').description('设置、查看、删除单位的通知渠道');

  channel
    .command('set <单位>')
    .description('设置单位的通知渠道（钉钉/浙政钉、企业微信群机器人、邮件、Webhook 或日志），再次设置即替换')
    .option('--dingtalk <地址>', '钉钉/浙政钉群机器人 Webhook 地址')
    .option('--secret <密钥>', '钉钉机器人“加签”密钥（SEC 开头）')
    .option('--wecom <地址>', '企业微信群机器人 Webhook 地址')
    .option('--email <邮箱>', '收件邮箱（需配置 DUDAO_SMTP_URL）')
    .option('--webhook <地址>', '通用 Webhook 地址（POST JSON）')
    .option('--log', '只写入日志')
    .action((name: string, opts: ChannelOptions) =>
      run(async () => {
        const chosen = channelFrom(name, opts);
        await withDatabase(async ({ db }) => {
          const units = await knownUnits(db);
          if (units.length > 0 && !units.includes(name))
            throw new Error(`规划中没有单位“${name}”：请核对名称。已知单位：${units.join('、')}`);
          await setUnitChannel(db, { unit: name, ...chosen, updatedBy: operator() });
        });
        console.log(
          `已设置${name}的通知渠道：${channelLabel[chosen.channel]}${chosen.address ? `（${chosen.address}）` : ''}${chosen.secret ? '，已启用加签' : ''}。`,
        );
      }),
    );

  channel
    .command('list')
    .description('列出单位目录')
    .action(() =>
      run(() =>
        withDatabase(async ({ db }) => {
          const rows = await listUnitChannels(db);
          if (rows.length === 0) {
            console.log('单位目录为空：未登记的单位按督导周期策略（notifyChannel）或默认渠道接收通知。');
            return;
          }
          console.log(
            renderTable(
              ['单位', '渠道', '地址', '加签密钥', '更新时间', '更新人'],
              rows.map((r) => [
                r.unit,
                channelLabel[r.channel],
                r.address ?? '—',
                masked(r.secret),
                r.updatedAt.slice(0, 16).replace('T', ' '),
                r.updatedBy,
              ]),
            ),
          );
        }),
      ),
    );

  channel
    .command('remove <单位>')
    .description('删除单位的登记（此后按督导周期策略或默认渠道通知）')
    .action((name: string) =>
      run(() =>
        withDatabase(async ({ db }) => {
          if (!(await removeUnitChannel(db, name))) throw new Error(`单位目录中没有“${name}”。`);
          console.log(`已删除${name}的通知渠道登记。`);
        }),
      ),
    );
}
