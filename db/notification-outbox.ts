import type { Insertable } from 'kysely';
import type { NotificationsTable } from './tables/events';
import type { RecordedEvent } from './event-store';
import { escalationTargetLabel } from '../domain/labels';

/** The outbox row a reminder or escalation event owes its unit, written with the event itself. */
export function notificationFor(event: RecordedEvent): Insertable<NotificationsTable> | null {
  const channel = process.env.DUDAO_WEBHOOK_URL ? 'webhook' : 'log';
  const due =
    event.type === 'ReminderSent' || event.type === 'EscalationRaised' ? shanghaiDate(event.data.dueAt) : '';
  switch (event.type) {
    case 'ReminderSent':
      return {
        notification_id: event.data.notificationId,
        event_id: event.eventId,
        kind: 'reminder',
        cycle_id: event.cycleId,
        unit: event.data.unit,
        channel,
        subject: `【催办】${event.projectId ?? ''} 将于 ${due} 到期`,
        body: `${event.data.unit}：您承办的事项（${event.data.milestoneId}）将于 ${due} 到期（提前 ${event.data.leadTime} 催办），请按时报送进展及佐证材料。`,
      };
    case 'EscalationRaised':
      return {
        notification_id: event.data.notificationId,
        event_id: event.eventId,
        kind: `escalation-${event.data.level}`,
        cycle_id: event.cycleId,
        unit: event.data.unit,
        channel,
        subject: `【督办·${event.data.level}级】${event.projectId ?? ''} ${event.data.reason === 'overdue' ? '已逾期' : '多次退回'}`,
        body: `${event.data.unit}承办的事项（${event.data.milestoneId}）${
          event.data.reason === 'overdue' ? `已超过期限 ${due} 仍未办结` : '经多次退回仍未通过审核'
        }，现升级为${event.data.level}级督办，通知${escalationTargetLabel[event.data.target]}。`,
      };
    default:
      return null;
  }
}

const shanghaiDate = (iso: string): string =>
  new Date(iso).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
