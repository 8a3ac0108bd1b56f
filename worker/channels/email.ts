import nodemailer from 'nodemailer';
import { cardFacts, type Channel } from './channel';

export interface SmtpSettings {
  /** smtp://user:password@host:587 or smtps://…:465 */
  url: string | undefined;
  from: string;
}

/**
 * E-mail over SMTP (nodemailer). The Message-ID is derived from the delivery id, so a redelivered
 * notice is the same message to the mail system; the id is also in `X-Dudao-Delivery-Id`.
 */
export const emailChannel = (smtp: SmtpSettings): Channel => {
  const transport = smtp.url
    ? nodemailer.createTransport({
        url: smtp.url,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      })
    : null;
  return {
    name: 'email',
    async deliver(n, target) {
      if (!transport) throw new Error('未配置 SMTP 服务器（DUDAO_SMTP_URL）');
      if (!target.address) throw new Error('没有收件邮箱');
      const f = cardFacts(n);
      const info = await transport.sendMail({
        from: smtp.from,
        to: target.address,
        subject: n.subject,
        messageId: `<${n.deliveryId}@dudao>`,
        headers: { 'X-Dudao-Delivery-Id': n.deliveryId },
        text: [
          n.body,
          '',
          `项目：${f.project}`,
          `期限：${f.deadline}`,
          `状态：${f.colour}`,
          '',
          `查看通知并确认已读：${n.link}`,
          `投递编号：${n.deliveryId}`,
        ].join('\n'),
      });
      if (info.rejected.length > 0) throw new Error(`邮件服务器拒收：${info.rejected.join('、')}`);
      return `SMTP ${info.response}`;
    },
  };
};
