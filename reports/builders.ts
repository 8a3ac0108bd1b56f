import { uncoveredDueYear } from '../domain/work-calendar';
import { ragRuleLabel, type RagExplanation } from '../domain/rag';
import type { Db } from '../db/projections/read-model';
import { assessUnits, onTimeRate, scoringPolicyText } from './assessment';
import { cycleAssessmentRules, deductionsTable, rankingTable } from './assessment-tables';
import { day, percent, ragLabel, yesNo } from './format';
import {
  cycleOf,
  escalationsByDay,
  noticeDeliveries,
  overdueAssignments,
  projectBoard,
  rectificationsOverdue,
  reworkLog,
  targetProgress,
  unitScoreboard,
  type NoticeDeliveryRow,
  type Scope,
  type TargetRow,
  type UnitScoreRow,
} from './queries';
import type { Chart, Report, ReportTable } from './report';

/** Where a report reads from and at which plan time "now" is (for lateness and overdue days). */
export type ReportScope = Scope & { at: string };

const ruleLabel = (rule: string | null): string =>
  rule ? (ragRuleLabel[rule as RagExplanation['rule']] ?? rule) : '—';
const roleLabel = (role: string): string => (role === 'lead' ? '牵头' : '配合');
const statusLabel: Record<string, string> = {
  active: '推进中',
  suspended: '暂停',
  cancelled: '已撤销',
  closed: '已办结',
  assigned: '待签收',
  acknowledged: '已签收',
  submitted: '已报送',
  returned: '退回重办',
  approved: '已审定',
  planned: '未开始',
  open: '办理中',
};
const status = (s: string): string => statusLabel[s] ?? s;
const asOfNote = (scope: ReportScope): string =>
  `${scope.schema === 'public' ? '' : `（历史快照 ${scope.schema}）`}统计时点：${day(scope.at)}`;

function unitsTable(units: readonly UnitScoreRow[]): ReportTable {
  return {
    title: '单位履职情况',
    columns: [
      { key: 'unit', label: '责任单位' },
      { key: 'assignments', label: '承办事项', numeric: true },
      { key: 'submitted', label: '已报送', numeric: true },
      { key: 'on_time', label: '按时报送', numeric: true },
      { key: 'late', label: '逾期报送', numeric: true },
      { key: 'overdue_unsubmitted', label: '逾期未报', numeric: true },
      { key: 'rate', label: '按时报送率', numeric: true },
      { key: 'returns', label: '退回次数', numeric: true },
      { key: 'escalations', label: '督办次数', numeric: true },
      { key: 'periods_missed', label: '定期反馈未报', numeric: true },
      { key: 'targets', label: '目标达标', numeric: true },
    ],
    rows: units.map((u) => ({
      ...u,
      rate: percent(u.on_time, u.submitted + u.overdue_unsubmitted),
      targets: `${u.targets_met}/${u.targets_total}`,
    })),
  };
}

const onTimeChart = (units: readonly UnitScoreRow[]): Chart => ({
  kind: 'bars',
  title: '各单位按时报送率',
  unit: '%',
  items: units.map((u) => {
    const rate = onTimeRate(u);
    return {
      label: u.unit,
      value: rate === null ? 0 : Math.round(rate * 1000) / 10,
      max: 100,
      note: rate === null ? '无到期事项' : '',
    };
  }),
});

const targetChart = (targets: readonly TargetRow[]): Chart => ({
  kind: 'bars',
  title: '目标值完成进度',
  unit: '%',
  items: targets.map((g) => ({
    label: `${g.title}·${g.metric}`,
    value:
      g.reported === null || g.target_value === 0 ? 0 : Math.round((1000 * g.reported) / g.target_value) / 10,
    max: 100,
    note: `${g.reported ?? '未报'} / ${g.target_value}${g.target_unit}`,
  })),
});

function targetsTable(targets: readonly TargetRow[]): ReportTable {
  return {
    title: '目标值完成情况',
    columns: [
      { key: 'title', label: '项目' },
      { key: 'milestone_id', label: '节点' },
      { key: 'metric', label: '指标' },
      { key: 'target', label: '目标值' },
      { key: 'reported', label: '报送值', numeric: true },
      { key: 'met', label: '是否达标' },
    ],
    rows: targets.map((g) => ({
      title: g.title,
      milestone_id: g.milestone_id,
      metric: g.metric,
      target: `${g.op}${g.target_value}${g.target_unit}`,
      reported: g.reported,
      met: g.met === null ? '待审定' : yesNo(g.met),
    })),
  };
}

export async function cycleReport(db: Db, scope: ReportScope & { cycleId: string }): Promise<Report> {
  const cycle = await cycleOf(db, scope);
  if (!cycle) throw new Error(`找不到督导周期 ${scope.cycleId}`);
  const [board, units, targets, escalations] = await Promise.all([
    projectBoard(db, scope),
    unitScoreboard(db, scope),
    targetProgress(db, scope),
    escalationsByDay(db, scope),
  ]);
  const count = (rag: string) => board.filter((p) => p.rag === rag).length;
  const gaps = calendarGapMarks();
  return {
    title: `${cycle.name}情况汇总`,
    subtitle: asOfNote(scope),
    tables: [
      {
        title: '周期概况',
        columns: [
          { key: 'item', label: '项目' },
          { key: 'value', label: '内容' },
        ],
        rows: [
          {
            item: '周期状态',
            value: cycle.status === 'open' ? '进行中' : cycle.status === 'closed' ? '已结束' : '已撤销',
          },
          { item: '报送期限', value: day(cycle.submission_due_at) },
          { item: '原定报送期限', value: day(cycle.original_submission_due_at) },
          { item: '考核基准', value: cycle.scoring_baseline === 'original' ? '按原定期限' : '按延期后期限' },
          { item: '督导项目', value: `${cycle.projects_started}个（已办结${cycle.projects_closed}个）` },
          {
            item: '红黄绿灯',
            value: `红灯${count('red')}个，黄灯${count('amber')}个，绿灯${count('green')}个`,
          },
        ],
      },
      {
        title: '项目红黄绿灯',
        columns: [
          { key: 'project_id', label: '编号' },
          { key: 'title', label: '项目' },
          { key: 'lead_unit', label: '牵头单位' },
          { key: 'status', label: '状态' },
          { key: 'rag', label: '灯色' },
          { key: 'rule', label: '依据' },
          { key: 'next_due', label: '最近期限' },
          { key: 'milestones', label: '节点（达标/未达标/总数）' },
        ],
        rows: board.map((p) => ({
          project_id: p.project_id,
          title: p.title,
          lead_unit: p.lead_unit,
          status: status(p.status),
          rag: ragLabel(p.rag),
          rule: ruleLabel(p.rag_rule),
          next_due: day(p.next_due_at) + gaps.mark(p.next_due_at, p.calendar_years),
          milestones: `${p.milestones_met}/${p.milestones_missed}/${p.milestones_total}`,
        })),
      },
      unitsTable(units),
      targetsTable(targets),
    ],
    charts: [
      {
        kind: 'rag-board',
        title: '项目红黄绿灯',
        items: board.map((p) => ({
          label: p.title,
          rag: p.rag,
          note: `${p.lead_unit}·${ruleLabel(p.rag_rule)}`,
        })),
      },
      onTimeChart(units),
      targetChart(targets),
      {
        kind: 'timeline',
        title: '督办趋势（按日）',
        points: escalations.map((e) => ({ date: e.day, value: e.escalations })),
      },
    ],
    footer: [`数据来源：dudao 事件日志派生的读模型。${asOfNote(scope)}。`, ...gaps.footer()],
  };
}

export async function unitsReport(db: Db, scope: ReportScope): Promise<Report> {
  const units = await unitScoreboard(db, scope);
  return {
    title: '单位履职情况一览',
    subtitle: asOfNote(scope),
    tables: [unitsTable(units)],
    charts: [onTimeChart(units)],
    footer: ['按时报送率 = 按时报送件数 ÷（已报送件数 + 逾期未报件数）；是否逾期按各周期的考核基准判定。'],
  };
}

/** Deadlines in a year the cycle's office calendar does not cover: marked ※, named in the footer. */
function calendarGapMarks(): {
  mark: (dueAt: Date | null, covered: number[] | null) => string;
  footer: () => string[];
} {
  const years = new Set<number>();
  return {
    mark(dueAt, covered) {
      const year = dueAt ? uncoveredDueYear(covered, new Date(dueAt).toISOString()) : null;
      if (year === null) return '';
      years.add(year);
      return ' ※';
    },
    footer: () =>
      years.size === 0
        ? []
        : [`※ ${[...years].sort((a, b) => a - b).join('、')} 年工作日历未录入：该期限按自然日推算。`],
  };
}

export async function overdueReport(db: Db, scope: ReportScope): Promise<Report> {
  const rows = await overdueAssignments(db, scope);
  const gaps = calendarGapMarks();
  return {
    title: '逾期事项及督办情况',
    subtitle: asOfNote(scope),
    tables: [
      {
        title: '逾期事项',
        columns: [
          { key: 'title', label: '项目' },
          { key: 'milestone_text', label: '节点' },
          { key: 'unit', label: '责任单位' },
          { key: 'role', label: '分工' },
          { key: 'status', label: '办理状态' },
          { key: 'due', label: '期限' },
          { key: 'original_due', label: '原定期限' },
          { key: 'days_overdue', label: '逾期天数', numeric: true },
          { key: 'level', label: '督办级别' },
        ],
        rows: rows.map((r) => ({
          title: r.title,
          milestone_text: r.milestone_text,
          unit: r.unit,
          role: roleLabel(r.role),
          status: status(r.status),
          due: day(r.due_at) + gaps.mark(r.due_at, r.calendar_years),
          original_due: day(r.original_due_at),
          days_overdue: r.days_overdue,
          level: r.escalation_level === 0 ? '未督办' : `${r.escalation_level}级督办`,
        })),
      },
    ],
    charts: [],
    footer: ['逾期：超过当前办理期限（含批准延期）仍未报送或退回后未重新报送。', ...gaps.footer()],
  };
}

export async function targetsReport(db: Db, scope: ReportScope): Promise<Report> {
  const targets = await targetProgress(db, scope);
  return {
    title: '目标值完成进度',
    subtitle: asOfNote(scope),
    tables: [targetsTable(targets)],
    charts: [targetChart(targets)],
    footer: ['报送值为最近一轮报送的数值；是否达标以督导处审定结果为准，未审定的显示“待审定”。'],
  };
}

export async function reworkReport(db: Db, scope: ReportScope): Promise<Report> {
  const rows = await reworkLog(db, scope);
  const byUnit = new Map<string, number>();
  for (const r of rows) byUnit.set(r.unit, (byUnit.get(r.unit) ?? 0) + 1);
  return {
    title: '退回重办情况',
    subtitle: asOfNote(scope),
    tables: [
      {
        title: '退回明细',
        columns: [
          { key: 'unit', label: '责任单位' },
          { key: 'title', label: '项目' },
          { key: 'milestone_id', label: '节点' },
          { key: 'round', label: '报送轮次', numeric: true },
          { key: 'reason', label: '退回理由' },
          { key: 'returned_on', label: '退回日期' },
          { key: 'rounds_taken', label: '累计报送轮次', numeric: true },
          { key: 'state', label: '当前状态' },
        ],
        rows: rows.map((r) => ({
          unit: r.unit,
          title: r.title,
          milestone_id: r.milestone_id,
          round: r.round,
          reason: r.review_comment,
          returned_on: day(r.reviewed_at),
          rounds_taken: r.rounds_taken,
          state: status(r.final_review),
        })),
      },
      {
        title: '各单位退回次数',
        columns: [
          { key: 'unit', label: '责任单位' },
          { key: 'returns', label: '退回次数', numeric: true },
        ],
        rows: [...byUnit].map(([unit, returns]) => ({ unit, returns })),
      },
    ],
    charts: [],
    footer: ['累计报送轮次：该节点报告至今报送的轮数（退回后重新报送计为新一轮）。'],
  };
}

export async function assessmentReport(db: Db, scope: ReportScope & { cycleId: string }): Promise<Report> {
  const cycle = await cycleOf(db, scope);
  if (!cycle) throw new Error(`找不到督导周期 ${scope.cycleId}`);
  const rules = await cycleAssessmentRules(db, scope.cycleId);
  const ranked = assessUnits(await unitScoreboard(db, scope), rules, await rectificationsOverdue(db, scope));
  const praised = ranked.filter((u) => u.grade === '好').map((u) => u.unit);
  const criticised = ranked.filter((u) => u.grade === '差').map((u) => u.unit);
  return {
    title: `关于${cycle.name}考核结果的通报`,
    subtitle: asOfNote(scope),
    tables: [rankingTable(ranked), deductionsTable(ranked, rules.base)],
    charts: [onTimeChart(ranked)],
    footer: [
      praised.length > 0 ? `予以通报表扬：${praised.join('、')}。` : '本期无通报表扬单位。',
      criticised.length > 0 ? `予以通报批评：${criticised.join('、')}，请限期整改。` : '本期无通报批评单位。',
      ...scoringPolicyText(cycle.scoring_baseline, rules),
    ],
  };
}

const noticeKind = (kind: string, level: number | null): string =>
  kind === 'reminder' ? '催办' : `${level ?? ''}级督办`;

const deliveryStatus: Record<string, string> = {
  delivered: '已送达',
  failed: '投递失败',
  pending: '待投递',
  sending: '投递中',
};
const attemptStatus: Record<string, string> = {
  delivered: '成功',
  failed: '失败',
  sending: '发送中',
  interrupted: '中断（结果未知）',
};

/** A duration for people: 3天4小时, 2小时5分, 40分. */
export function durationLabel(seconds: number): string {
  const minutes = Math.max(0, Math.floor(seconds / 60));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days}天${hours ? `${hours}小时` : ''}`;
  if (hours > 0) return `${hours}小时${mins ? `${mins}分` : ''}`;
  return `${mins}分`;
}

/** Per unit: how many notices, how many still unread, how long they took to be opened or have waited. */
function unreadByUnit(rows: NoticeDeliveryRow[]): ReportTable {
  const units = new Map<string, NoticeDeliveryRow[]>();
  for (const r of rows) units.set(r.unit, [...(units.get(r.unit) ?? []), r]);
  return {
    title: '各单位通知查阅情况',
    columns: [
      { key: 'unit', label: '接收单位' },
      { key: 'notices', label: '通知数', numeric: true },
      { key: 'opened', label: '已查阅', numeric: true },
      { key: 'unread', label: '未查阅', numeric: true },
      { key: 'average', label: '平均查阅用时' },
      { key: 'longest', label: '最长未读时长' },
    ],
    rows: [...units]
      .sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))
      .map(([unit, list]) => {
        const known = list.filter((r) => r.unread_seconds !== null);
        const opened = known.filter((r) => r.opened_at);
        const longest = known.reduce<NoticeDeliveryRow | null>(
          (m, r) => (m === null || r.unread_seconds! > m.unread_seconds! ? r : m),
          null,
        );
        return {
          unit,
          notices: list.length,
          opened: opened.length,
          unread: known.length - opened.length,
          average: opened.length
            ? durationLabel(opened.reduce((s, r) => s + r.unread_seconds!, 0) / opened.length)
            : '—',
          longest: longest
            ? `${durationLabel(longest.unread_seconds!)}${longest.opened_at ? '' : '（仍未读）'}`
            : '—',
        };
      }),
  };
}

export async function noticesReport(db: Db, scope: ReportScope): Promise<Report> {
  const rows = await noticeDeliveries(db, scope);
  return {
    title: '催办督办通知送达记录',
    subtitle: asOfNote(scope),
    tables: [
      unreadByUnit(rows),
      {
        title: '通知及送达情况',
        columns: [
          { key: 'notification_id', label: '通知编号' },
          { key: 'kind', label: '类别' },
          { key: 'unit', label: '接收单位' },
          { key: 'project_id', label: '项目' },
          { key: 'sent', label: '发出日期' },
          { key: 'channel', label: '渠道' },
          { key: 'status', label: '送达状态' },
          { key: 'delivered', label: '送达时间' },
          { key: 'opened', label: '查阅时间' },
          { key: 'opened_by', label: '查阅人' },
          { key: 'unread_for', label: '未读时长' },
          { key: 'attempts', label: '投递记录' },
        ],
        rows: rows.map((r) => ({
          notification_id: r.notification_id,
          kind: noticeKind(r.kind, r.level),
          unit: r.unit,
          project_id: r.project_id,
          sent: day(r.sent_at),
          channel: r.channel ?? '—',
          status: r.status ? (deliveryStatus[r.status] ?? r.status) : '无投递记录',
          delivered: r.delivered_at ? new Date(r.delivered_at).toISOString() : '—',
          opened: r.opened_at ? new Date(r.opened_at).toISOString() : '未查阅',
          opened_by: r.opened_by ?? '—',
          unread_for:
            r.unread_seconds === null
              ? '—'
              : `${durationLabel(r.unread_seconds)}${r.opened_at ? '后查阅' : '（仍未读）'}`,
          attempts:
            r.attempts.length === 0
              ? '—'
              : r.attempts
                  .map(
                    (a, i) =>
                      `第${i + 1}次 ${a.at} ${attemptStatus[a.status] ?? a.status}${a.detail ? `（${a.detail}）` : ''}`,
                  )
                  .join('；'),
        })),
      },
    ],
    charts: [],
    footer: [
      '每条通知列出全部投递尝试、单位首次查阅时间和查阅人，可据此核实“未收到通知”的情况。',
      '未读时长按实际时间计算：从通知发出到本单位人员首次查阅（网页工作台或接口），尚未查阅的计至报表生成时。',
    ],
  };
}
