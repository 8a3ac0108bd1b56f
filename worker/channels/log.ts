import type { Channel } from './channel';

/** Writes the notice to the log: the default where nothing else is configured (demo, development). */
export const logChannel = (write: (line: string) => void = (l) => console.log(l)): Channel => ({
  name: 'log',
  async deliver(n) {
    write(`📨 [${n.unit}] ${n.subject}（投递编号 ${n.deliveryId}）`);
    return '已写入日志';
  },
});
