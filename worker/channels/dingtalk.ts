import { createHmac } from 'node:crypto';
import { cardFacts, postRobot, type Channel, type OutgoingNotice } from './channel';

/**
 * 钉钉 / 浙政钉 custom group robot: a `markdown` message (`title` shows in the chat list, `text` is
 * the card). With 加签 the URL carries `timestamp` (ms) and `sign` = Base64(HMAC-SHA256(secret,
 * `${timestamp}\n${secret}`)), URL-encoded. A robot with the 自定义关键词 setting needs 催办 or 督办,
 * which every subject contains.
 */
export const dingtalkChannel = (now: () => number = Date.now): Channel => ({
  name: 'dingtalk',
  async deliver(n, target) {
    if (!target.address) throw new Error('没有钉钉机器人地址');
    const url = new URL(target.address);
    if (target.secret) {
      const timestamp = String(now());
      url.searchParams.set('timestamp', timestamp);
      url.searchParams.set('sign', dingtalkSign(timestamp, target.secret));
    }
    return postRobot(url.toString(), dingtalkMessage(n), '钉钉');
  },
});

export const dingtalkSign = (timestamp: string, secret: string): string =>
  createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');

export function dingtalkMessage(n: OutgoingNotice) {
  const f = cardFacts(n);
  return {
    msgtype: 'markdown',
    markdown: {
      title: n.subject,
      text: [
        `#### ${n.subject}`,
        `**项目**：${f.project}`,
        `**期限**：${f.deadline}`,
        `**状态**：${f.colour}`,
        `> ${n.body}`,
        `[查看通知并确认已读](${n.link})`,
        `###### 投递编号 ${n.deliveryId}`,
      ].join('\n\n'),
    },
  };
}
