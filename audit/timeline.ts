import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { rowToEvent, type RecordedEvent } from '../db/event-store';
import { roleLabel } from '../domain/principal';
import { shanghaiDateTime } from '../domain/shanghai';
import type { Report } from '../reports/report';
import { describeEvent } from './describe';

/** Events of a cycle (by cycle id) or of a project (by item id, optionally within one cycle), in order. */
export async function timelineEvents(
  db: Kysely<Database>,
  ref: string,
  cycleId?: string,
): Promise<RecordedEvent[]> {
  let query = db.selectFrom('events').selectAll().orderBy('occurred_at').orderBy('position');
  query = cycleId
    ? query.where('cycle_id', '=', cycleId).where('project_id', '=', ref)
    : query.where((eb) => eb.or([eb('cycle_id', '=', ref), eb('project_id', '=', ref)]));
  return (await query.execute()).map(rowToEvent);
}

/** The human story of a project or cycle: each step with time, actor, unit, change and evidence hashes. */
export function timelineReport(ref: string, events: RecordedEvent[]): Report {
  const rows = events.map((e) => {
    const d = describeEvent(e);
    return {
      time: shanghaiDateTime(e.at),
      actor: `${e.actor.userId}（${roleLabel[e.actor.role]}）`,
      unit: d.unit ?? '—',
      step: d.label,
      detail: d.detail,
      evidence: d.evidence.join('\n') || '—',
      record: `${e.streamId}#${e.seq} ${e.hash.slice(0, 12)}`,
    };
  });
  return {
    title: `督办过程记录：${ref}`,
    subtitle: `共 ${events.length} 个步骤，时间为规划时间（北京时间）`,
    charts: [],
    tables: [
      {
        title: '过程',
        columns: [
          { key: 'time', label: '时间' },
          { key: 'actor', label: '操作人' },
          { key: 'unit', label: '单位' },
          { key: 'step', label: '步骤' },
          { key: 'detail', label: '内容' },
          { key: 'evidence', label: '佐证材料（哈希）' },
          { key: 'record', label: '记录（流#序号 哈希）' },
        ],
        rows,
      },
    ],
    footer: [
      '每一行对应事件日志中的一条记录；“记录”列给出其所在的流、序号和哈希链上的哈希前缀，可用 dudao audit verify 核对。',
    ],
  };
}
