import { cardFacts, postRobot, type Channel, type OutgoingNotice } from './channel';

/** WeCom caps `markdown.content` at 4096 bytes of UTF-8. */
const MAX_BYTES = 4096;
const fontColour = { red: 'warning', amber: 'warning', green: 'info' } as const;

/**
 * 企业微信 group robot: a `markdown` message (`content`, at most 4096 bytes; colours are the three
 * named ones: info green, comment grey, warning orange-red).
 */
export const wecomChannel = (): Channel => ({
  name: 'wecom',
  async deliver(n, target) {
    if (!target.address) throw new Error('没有企业微信机器人地址');
    return postRobot(target.address, wecomMessage(n), '企业微信');
  },
});

export function wecomMessage(n: OutgoingNotice) {
  const f = cardFacts(n);
  const colour = n.colour ? `<font color="${fontColour[n.colour]}">${f.colour}</font>` : f.colour;
  const head = [
    `### ${n.subject}`,
    `> 项目：<font color="comment">${f.project}</font>`,
    `> 期限：<font color="warning">${f.deadline}</font>`,
    `> 状态：${colour}`,
  ].join('\n');
  const tail = [
    `[查看通知并确认已读](${n.link})`,
    `<font color="comment">投递编号 ${n.deliveryId}</font>`,
  ].join('\n');
  const room = MAX_BYTES - Buffer.byteLength(`${head}\n\n\n${tail}`);
  return { msgtype: 'markdown', markdown: { content: `${head}\n${fitBytes(n.body, room)}\n${tail}` } };
}

/** Cuts text to a UTF-8 byte budget on a character boundary. */
function fitBytes(text: string, budget: number): string {
  if (Buffer.byteLength(text) <= budget) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(`${out}${ch}…`) > budget) break;
    out += ch;
  }
  return `${out}…`;
}
