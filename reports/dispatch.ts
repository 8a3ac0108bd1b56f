import { sql } from 'kysely';
import { dispatchedShares } from '../db/dispatch-views';
import type { Db } from '../db/projections/read-model';
import { DEFAULT_RAG_POLICY, type RagPolicy } from '../db/projections/rag';
import { shareTree, sumValues, type DispatchedShare, type ShareNode } from '../domain/dispatch';
import { phaseText } from '../domain/labels';
import { ragLabel } from '../domain/rag';
import { day } from './format';
import type { Report, ReportTable } from './report';
import type { ReportScope } from './builders';

type Share = DispatchedShare & { rootCycleId: string; rootProjectId: string };

/** 多级下发 per item: every share down the chain, its colour rolled up from below, values and sums. */
export function buildDispatchReport(
  shares: readonly Share[],
  policies: ReadonlyMap<string, RagPolicy>,
  scope: ReportScope,
): Report {
  const roots = [...new Map(shares.map((s) => [`${s.rootCycleId}\u0001${s.rootProjectId}`, s])).values()];
  const detail: ReportTable['rows'] = [];
  const sums: ReportTable['rows'] = [];
  const byBody = new Map<
    string,
    { dispatched: number; reported: number; approved: number; overdue: number }
  >();
  for (const root of roots) {
    const policy = policies.get(root.rootCycleId) ?? DEFAULT_RAG_POLICY;
    const top = shareTree(
      shares,
      { cycleId: root.rootCycleId, projectId: root.rootProjectId },
      scope.at,
      policy,
    );
    const walk = (n: ShareNode, depth: number) => {
      const s = n.share;
      detail.push({
        item: root.rootProjectId,
        level: depth,
        id: s.subAssignmentId,
        from: s.unit,
        body: s.body,
        due: day(s.dueAt),
        phase: phaseText[s.phase] ?? s.phase,
        rag: ragLabel[n.verdict.rag],
        reason: n.verdict.reason,
        values: s.values.map((v) => `目标${v.targetIndex + 1}=${v.value}`).join('；') || '—',
        reported: day(s.reportedAt) ?? '—',
      });
      const t = byBody.get(s.body) ?? { dispatched: 0, reported: 0, approved: 0, overdue: 0 };
      byBody.set(s.body, {
        dispatched: t.dispatched + 1,
        reported: t.reported + (s.reportedAt === null ? 0 : 1),
        approved:
          t.approved + (s.phase === 'approved' || (s.phase === 'closed' && s.outcome === 'met') ? 1 : 0),
        overdue: t.overdue + (n.verdict.rule === 'overdue' ? 1 : 0),
      });
      n.children.forEach((c) => walk(c, depth + 1));
    };
    top.forEach((n) => walk(n, 1));
    const milestones = [...new Set(top.map((n) => n.share.parentMilestoneId))];
    for (const milestoneId of milestones) {
      const reported = top.filter((n) => n.share.parentMilestoneId === milestoneId && n.share.reportedAt);
      for (const x of sumValues(reported.map((n) => n.share.values)))
        sums.push({
          item: root.rootProjectId,
          milestone: milestoneId,
          target: `目标${x.targetIndex + 1}`,
          sum: x.sum,
          reporters: x.reporters,
        });
    }
  }
  return {
    title: '多级下发办理情况',
    subtitle: `${scope.schema === 'public' ? '' : `（历史快照 ${scope.schema}）`}统计时点：${day(scope.at)}`,
    tables: [
      {
        title: '按承办单位',
        columns: [
          { key: 'body', label: '承办单位' },
          { key: 'dispatched', label: '下发任务', numeric: true },
          { key: 'reported', label: '已报送', numeric: true },
          { key: 'approved', label: '已审核通过', numeric: true },
          { key: 'overdue', label: '逾期未报', numeric: true },
        ],
        rows: [...byBody]
          .sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))
          .map(([body, t]) => ({ body, ...t })),
      },
      {
        title: '下发明细（逐级）',
        columns: [
          { key: 'item', label: '规划事项' },
          { key: 'level', label: '层级', numeric: true },
          { key: 'id', label: '下发编号' },
          { key: 'from', label: '下发单位' },
          { key: 'body', label: '承办单位' },
          { key: 'due', label: '办理期限' },
          { key: 'phase', label: '状态' },
          { key: 'rag', label: '状态灯' },
          { key: 'reason', label: '说明' },
          { key: 'values', label: '报送值' },
          { key: 'reported', label: '报送日期' },
        ],
        rows: detail,
      },
      {
        title: '直属下级单位报送值合计',
        columns: [
          { key: 'item', label: '规划事项' },
          { key: 'milestone', label: '节点' },
          { key: 'target', label: '目标' },
          { key: 'sum', label: '合计', numeric: true },
          { key: 'reporters', label: '报送单位数', numeric: true },
        ],
        rows: sums,
      },
    ],
    charts: [],
    footer: [
      '状态灯逐级汇总：上级事项的灯不好于其最差的下级单位，说明中写明是哪个下级单位。',
      '合计为各直属下级单位最近一次报送值之和（下级单位再下发的，由其汇总后报送）。',
    ],
  };
}

/** The report over the live (or an as-of) schema: the shares under one cycle, or all of them. */
export async function dispatchReport(db: Db, scope: ReportScope): Promise<Report> {
  const shares = await dispatchedShares(db, { rootCycleId: scope.cycleId, schema: scope.schema });
  const { rows } = await sql<{
    cycle_id: string;
    amber_within: RagPolicy['amberWithin'];
    max_returns: number;
  }>`
    SELECT cycle_id, amber_within, max_returns FROM ${sql.id(scope.schema, 'cycles')}`.execute(db);
  const policies = new Map(
    rows.map((r) => [r.cycle_id, { amberWithin: r.amber_within, maxReturns: r.max_returns }]),
  );
  return buildDispatchReport(shares, policies, scope);
}
