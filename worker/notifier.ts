import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { claimNextNotice, recordOutcome, type Claim, type DueNotice } from '../db/notification-outbox';
import {
  CHANNEL_NAMES,
  channelLabel,
  deliveryIdOf,
  type Channel,
  type ChannelName,
  type Target,
} from './channels/channel';
import { logChannel } from './channels/log';
import { webhookChannel } from './channels/webhook';
import { dingtalkChannel } from './channels/dingtalk';
import { wecomChannel } from './channels/wecom';
import { emailChannel } from './channels/email';

export interface NotifierConfig {
  channels: Record<ChannelName, Channel>;
  /** Office-wide addresses for a channel a cycle policy names, for units with no directory entry. */
  defaults: Partial<Record<ChannelName, Target>>;
  /** The channel when neither the unit directory nor the cycle policy names one. */
  fallback: ChannelName;
  /** Base URL of the web workspace, for the link in every message. */
  publicUrl: string;
  /** How long a claimed notice is in flight before another notifier presumes its sender dead. */
  leaseSeconds: number;
  maxAttempts: number;
  /** Where the notifier says what went wrong. */
  log: (line: string) => void;
}

/** Where a notice goes: its unit's directory entry, else the cycle policy's channel, else the fallback. */
export interface Route {
  channel: string;
  target: Target;
  /** Why it cannot be delivered as configured (the attempt fails with this reason). */
  problem: string | null;
}

const envOf: Partial<Record<ChannelName, string>> = {
  webhook: 'DUDAO_WEBHOOK_URL',
  dingtalk: 'DUDAO_DINGTALK_WEBHOOK',
  wecom: 'DUDAO_WECOM_WEBHOOK',
};

export function routeOf(n: DueNotice, config: NotifierConfig): Route {
  if (n.directory)
    return {
      channel: n.directory.channel,
      target: { address: n.directory.address, secret: n.directory.secret },
      problem: isChannel(n.directory.channel) ? null : `单位目录中的渠道“${n.directory.channel}”无法识别`,
    };
  const channel = n.policyChannel ?? config.fallback;
  if (!isChannel(channel))
    return { channel, target: none, problem: `督导周期策略中的通知渠道“${channel}”无法识别` };
  if (channel === 'log') return { channel, target: none, problem: null };
  const target = config.defaults[channel];
  if (target?.address) return { channel, target, problem: null };
  const how = `dudao unit channel set ${n.unit} --${channel} <${channel === 'email' ? '邮箱' : '地址'}>`;
  return {
    channel,
    target: none,
    problem:
      channel === 'email'
        ? `${n.unit}未在单位目录登记邮箱：请运行 ${how}`
        : `${n.unit}未在单位目录登记${channelLabel[channel]}，也未设置 ${envOf[channel]}：请运行 ${how} 或设置 ${envOf[channel]}`,
  };
}

const none: Target = { address: null, secret: null };
const isChannel = (name: string): name is ChannelName => (CHANNEL_NAMES as readonly string[]).includes(name);

/**
 * Delivers due notices, one at a time, each in two transactions of its own: the claim records the
 * attempt as `sending` before the channel is called; the outcome is recorded after. A crash in
 * between leaves the notice `sending` until its lease runs out, then it is sent again with the same
 * delivery id (at least once: receivers deduplicate on it). A notice whose channel is not configured
 * is a failed attempt with the reason, retried with backoff until `maxAttempts`.
 */
export async function deliverPending(
  db: Kysely<Database>,
  config: NotifierConfig,
  batch = 50,
): Promise<number> {
  let handled = 0;
  while (handled < batch) {
    const claim = await claimNextNotice(db, config.leaseSeconds, (n) => routeOf(n, config).channel);
    if (!claim) break;
    handled++;
    const outcome = await send(claim, config);
    if (!outcome.ok)
      config.log(
        `通知 ${claim.notice.notificationId}（${claim.notice.unit}）第 ${claim.notice.attempts} 次投递失败：${outcome.detail}`,
      );
    try {
      await recordOutcome(db, claim, outcome, config.maxAttempts);
    } catch (err) {
      config.log(
        `通知 ${claim.notice.notificationId} 的投递结果未能记录（${(err as Error).message}）：租约到期后将以同一投递编号重发。`,
      );
    }
  }
  return handled;
}

async function send(claim: Claim, config: NotifierConfig): Promise<{ ok: boolean; detail: string }> {
  const n = claim.notice;
  const route = routeOf(n, config);
  if (route.problem) return { ok: false, detail: route.problem };
  try {
    const detail = await config.channels[route.channel as ChannelName].deliver(
      {
        ...n,
        deliveryId: deliveryIdOf(n.notificationId),
        link: `${config.publicUrl}/unit/notices/${encodeURIComponent(n.notificationId)}`,
      },
      route.target,
    );
    return { ok: true, detail: clean(detail) };
  } catch (err) {
    return { ok: false, detail: clean((err as Error).message || String(err)) };
  }
}

/** Text for a PostgreSQL text column: a receiver's answer may carry NUL bytes, and is kept short. */
const clean = (text: string): string => text.replace(/\0/g, '').slice(0, 2000);

/**
 * Polls the outbox until stopped; a failing poll is logged and retried on the next tick. A poll
 * cut short by the stop (its database closing with the rest of the stack) is not an outage and is
 * not reported.
 */
export function startNotifier(
  db: Kysely<Database>,
  config: NotifierConfig,
  intervalMs = 1000,
): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      const n = await deliverPending(db, config).catch((err: unknown) => {
        if (running) config.log(`通知投递出错：${err instanceof Error ? err.message : String(err)}`);
        return 0;
      });
      if (n === 0) await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** The notifier as the environment configures it (see README, Configuration). */
export function notifierConfig(
  opts: { write?: (line: string) => void; log?: (line: string) => void } = {},
  env: NodeJS.ProcessEnv = process.env,
): NotifierConfig {
  return {
    channels: {
      log: logChannel(opts.write),
      webhook: webhookChannel(),
      dingtalk: dingtalkChannel(),
      wecom: wecomChannel(),
      email: emailChannel({ url: env.DUDAO_SMTP_URL, from: env.DUDAO_MAIL_FROM ?? '督导 <dudao@localhost>' }),
    },
    defaults: {
      webhook: target(env.DUDAO_WEBHOOK_URL),
      dingtalk: target(env.DUDAO_DINGTALK_WEBHOOK, env.DUDAO_DINGTALK_SECRET),
      wecom: target(env.DUDAO_WECOM_WEBHOOK),
    },
    // Before the unit directory, DUDAO_WEBHOOK_URL sent every notice by webhook: it still does.
    fallback: env.DUDAO_WEBHOOK_URL ? 'webhook' : 'log',
    publicUrl: (
      env.DUDAO_PUBLIC_URL ?? `http://${env.DUDAO_WEB_HOST ?? '127.0.0.1'}:${env.DUDAO_WEB_PORT ?? 8080}`
    ).replace(/\/$/, ''),
    leaseSeconds: Number(env.DUDAO_NOTIFIER_LEASE_SECONDS ?? 120),
    maxAttempts: 8,
    log: opts.log ?? ((line) => console.error(line)),
  };
}

const target = (address: string | undefined, secret?: string): Target | undefined =>
  address ? { address, secret: secret ?? null } : undefined;
