import { createHash } from 'node:crypto';
import type { DueNotice } from '../../db/notification-outbox';
import type { Rag } from '../../db/tables/read-models';

export const CHANNEL_NAMES = ['log', 'webhook', 'dingtalk', 'wecom', 'email'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const channelLabel: Record<ChannelName, string> = {
  log: '日志',
  webhook: 'Webhook',
  dingtalk: '钉钉群机器人',
  wecom: '企业微信群机器人',
  email: '电子邮件',
};

/** A notice on its way out: the same delivery id on every attempt, so a receiver can drop repeats. */
export interface OutgoingNotice extends DueNotice {
  deliveryId: string;
  /** The notice in the web workspace; opening it there records the read receipt. */
  link: string;
}

/** Where to: a URL or an e-mail address, and a DingTalk signing secret. */
export interface Target {
  address: string | null;
  secret: string | null;
}

/** One way of reaching a unit. `deliver` resolves with what the receiver answered, or throws why not. */
export interface Channel {
  name: ChannelName;
  deliver(notice: OutgoingNotice, target: Target): Promise<string>;
}

/** Stable per notice: derived from its id, so a redelivery after a crash carries the same one. */
export const deliveryIdOf = (notificationId: string): string =>
  `dudao-${createHash('sha256').update(notificationId).digest('hex').slice(0, 32)}`;

export const colourLabel: Record<Rag, string> = { red: '红灯', amber: '黄灯', green: '绿灯' };
export const colourMark: Record<Rag, string> = { red: '🔴', amber: '🟡', green: '🟢' };

/** What every card says: the project, the deadline, the colour. */
export function cardFacts(n: OutgoingNotice): { project: string; deadline: string; colour: string } {
  return {
    project: [n.projectId, n.projectTitle].filter(Boolean).join(' ') || '—',
    deadline: n.dueAt ? shanghaiDay(n.dueAt) : '—',
    colour: n.colour ? `${colourMark[n.colour]} ${colourLabel[n.colour]}` : '—',
  };
}

const shanghaiDay = (iso: string): string => {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
};

/** POSTs JSON and reads a robot's `{ errcode, errmsg }` answer (DingTalk and WeCom answer HTTP 200 either way). */
export async function postRobot(url: string, body: unknown, who: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${who}返回 HTTP ${res.status}：${text.slice(0, 200)}`);
  let answer: { errcode?: number; errmsg?: string };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new Error(`${who}的应答不是 JSON：${text.slice(0, 200)}`);
  }
  if (answer.errcode !== 0) throw new Error(`${who}拒绝：errcode ${answer.errcode}，${answer.errmsg ?? ''}`);
  return `${who}已接收（errcode 0）`;
}
