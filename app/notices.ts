import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { findNotice, recordNoticeOpened, unitNotices, type UnitNotice } from '../db/notification-reads';
import type { Principal } from '../domain/principal';
import { forbidden, notFound } from './errors';

const isUnitRole = (p: Principal) => p.role === 'unit_staff' || p.role === 'unit_head';

/**
 * Opens a notice for its unit: the read receipt (who, when, through what) is recorded and the first
 * opening kept. Only the receiving unit's own people can acknowledge it; nobody reads for them.
 */
export async function openNotice(
  db: Kysely<Database>,
  p: Principal,
  notificationId: string,
  via: 'web' | 'api',
): Promise<UnitNotice> {
  const notice = await findNotice(db, notificationId);
  if (!notice) throw notFound('找不到该通知');
  if (!isUnitRole(p) || p.unit !== notice.unit)
    throw forbidden(`该通知发给${notice.unit}，只能由${notice.unit}的人员查阅确认`);
  return recordNoticeOpened(db, notificationId, { unit: p.unit!, username: p.userId, role: p.role, via });
}

export const noticesOf = (db: Kysely<Database>, unit: string): Promise<UnitNotice[]> => unitNotices(db, unit);
