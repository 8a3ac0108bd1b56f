import type { Channel } from './channel';

/**
 * The generic webhook: the notice as JSON. The delivery id is in the body and in the
 * `X-Dudao-Delivery-Id` header; delivery is at least once, so a receiver drops a repeated id.
 */
export const webhookChannel = (): Channel => ({
  name: 'webhook',
  async deliver(n, target) {
    if (!target.address) throw new Error('没有 Webhook 地址');
    const res = await fetch(target.address, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dudao-delivery-id': n.deliveryId },
      body: JSON.stringify({
        deliveryId: n.deliveryId,
        notificationId: n.notificationId,
        kind: n.kind,
        unit: n.unit,
        subject: n.subject,
        body: n.body,
        cycleId: n.cycleId,
        projectId: n.projectId,
        projectTitle: n.projectTitle,
        milestoneId: n.milestoneId,
        dueAt: n.dueAt,
        colour: n.colour,
        link: n.link,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return `HTTP ${res.status}`;
  },
});
