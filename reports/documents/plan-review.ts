/**
 * 规划中期评估 / 终期评估: every main indicator against its target and trajectory, every major project
 * against its targets with its lineage across cycles (each cycle's outcomes, 整改 rounds, status now),
 * and the paragraphs an office writes from those figures. `loadPlanReview` reads; `composePlanReview`
 * is pure; rendering to Word is `render-plan-review-docx.ts`.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/projections/read-model';
import { ragText } from '../../domain/labels';
import { isUnrectified } from '../../domain/rectification';
import type { Target } from '../../domain/plan';
import { opLabel } from '../../domain/indicator-trajectory';
import { targetYearOf } from '../../domain/yearly-items';
import { day } from '../format';
import type { ReportScope } from '../builders';
import { indicatorFigures, targetText, type IndicatorFigures } from '../indicators';
import { buildLineageReport, lineageFigures } from '../lineage';
import type { Report } from '../report';
import type { OfficialHead } from './render-bulletin-docx';
import { longDate } from './assessment-bulletin';

export type ReviewStage = 'mid' | 'final';
export const stageName: Record<ReviewStage, string> = { mid: '中期评估', final: '终期评估' };

export interface PlanReviewOptions {
  stage?: ReviewStage;
  documentNumber?: string;
  issuer?: string;
}

/** One major project as the review reads it. */
export interface ProjectFacts {
  itemId: string;
  title: string;
  leadUnit: string;
  targets: (Target & { reported: number | null; met: boolean | null })[];
  milestonesMet: number;
  milestonesMissed: number;
  milestonesOpen: number;
  cycles: number;
  rounds: number;
  /** 整改 rounds not yet struck off or ended. */
  openRounds: number;
  /** The lineage report's 当前状态. */
  now: string;
}

export interface PlanReview extends OfficialHead {
  stage: ReviewStage;
  opening: string;
  indicatorSummary: string[];
  indicators: { columns: string[]; rows: string[][] };
  projectSummary: string[];
  projects: { columns: string[]; rows: string[][] };
  problems: string[];
  nextSteps: string[];
}

interface PlanFacts {
  title: string;
  issuer: string | null;
  lastYear: number;
  majorProjects: { itemId: string; title: string; leadUnit: string; targets: Target[] }[];
  units: string[];
}

export async function loadPlanReview(
  db: Db,
  scope: ReportScope,
  options: PlanReviewOptions = {},
): Promise<PlanReview> {
  const figures = await indicatorFigures(db, scope);
  if (!figures) throw new Error('数据库中没有规划，请先用 dudao plan import 导入。');
  const plan = await planFacts(db, figures.planId);
  const { outcomes, rounds } = await lineageFigures(db, scope);
  const lineage = buildLineageReport(outcomes, rounds, scope);
  const now = new Map(lineage.tables[0]!.rows.map((r) => [String(r.itemId), String(r.now)]));
  const reported = await projectTargets(db, scope);
  const projects = plan.majorProjects.map((p): ProjectFacts => {
    const mine = outcomes.filter((o) => o.item_id === p.itemId);
    return {
      itemId: p.itemId,
      title: p.title,
      leadUnit: p.leadUnit,
      targets: p.targets.map((t) => {
        const r = reported.find((x) => x.item_id === p.itemId && x.metric === t.metric);
        return { ...t, reported: r?.reported ?? null, met: r?.met ?? null };
      }),
      milestonesMet: mine.filter((o) => o.outcome === 'met').length,
      milestonesMissed: mine.filter((o) => o.outcome === 'missed').length,
      milestonesOpen: mine.filter((o) => o.outcome === null).length,
      cycles: new Set(mine.map((o) => o.cycle_id)).size,
      rounds: rounds.filter((r) => r.item_id === p.itemId).length,
      openRounds: rounds.filter((r) => r.item_id === p.itemId && isUnrectified(r.status)).length,
      now: mine.length === 0 ? '未纳入督导周期' : (now.get(p.itemId) ?? '—'),
    };
  });
  return composePlanReview({ plan, figures, projects, at: scope.at, options });
}

async function planFacts(db: Db, planId: number): Promise<PlanFacts> {
  const { rows } = await sql<{ title: string; issuer: string | null; document: unknown }>`
    SELECT p.title, v.issuer, v.document FROM plan_versions v JOIN plans p ON p.id = v.plan_id
    WHERE v.plan_id = ${planId} ORDER BY v.version DESC LIMIT 1`.execute(db);
  const row = rows[0]!;
  const doc = row.document as {
    units: string[];
    items: {
      id: string;
      kind: string;
      title: string | null;
      text: string;
      units: string[];
      targets: Target[];
      milestones: { year: number }[];
    }[];
  };
  const years = doc.items.flatMap((i) => [
    ...i.milestones.map((m) => m.year),
    ...i.targets.flatMap((t) => (t.year === null ? [] : [t.year])),
  ]);
  return {
    title: row.title,
    issuer: row.issuer,
    lastYear: years.length > 0 ? Math.max(...years) : 0,
    units: doc.units,
    majorProjects: doc.items
      .filter((i) => i.kind === 'major_project')
      .map((i) => ({
        itemId: i.id,
        title: i.title ?? i.text.slice(0, 20),
        leadUnit: i.units[0] ?? '',
        targets: i.targets,
      })),
  };
}

/** The latest reported value of each major-project target across the cycles in scope. */
async function projectTargets(
  db: Db,
  scope: ReportScope,
): Promise<{ item_id: string; metric: string; reported: number; met: boolean | null }[]> {
  const { rows } = await sql<{ item_id: string; metric: string; reported: number; met: boolean | null }>`
    SELECT DISTINCT ON (p.item_id, g.metric) p.item_id, g.metric, g.reported, g.met
    FROM ${sql.id(scope.schema, 'target_progress')} g
    JOIN ${sql.id(scope.schema, 'projects')} p ON p.cycle_id = g.cycle_id AND p.project_id = g.project_id
    WHERE p.kind = 'major_project' AND g.reported IS NOT NULL
      AND ${scope.cycleId === undefined ? sql`TRUE` : sql`g.cycle_id = ${scope.cycleId}`}
    ORDER BY p.item_id, g.metric, g.reported_at DESC`.execute(db);
  return rows;
}

const count = (n: number, what: string) => `${n}${what}`;

export function composePlanReview(input: {
  plan: PlanFacts;
  figures: IndicatorFigures;
  projects: ProjectFacts[];
  at: string;
  options: PlanReviewOptions;
}): PlanReview {
  const { plan, figures, projects, at, options } = input;
  const stage = options.stage ?? 'mid';
  const issuer = options.issuer ?? plan.issuer ?? '督导处';
  const date = day(at) ?? '';
  const metrics = figures.metrics;
  const colourOf = (m: (typeof metrics)[number]) => m.track.latest?.verdict?.rag ?? null;
  const reached = metrics.filter((m) => m.track.latest?.verdict?.reached);
  const green = metrics.filter((m) => colourOf(m) === 'green');
  const amber = metrics.filter((m) => colourOf(m) === 'amber');
  const red = metrics.filter((m) => colourOf(m) === 'red');
  const unreported = metrics.filter((m) => m.track.latest === null);
  const indicatorItems = new Set(metrics.map((m) => m.itemId)).size;
  const name = (m: (typeof metrics)[number]) => `${m.target.metric}（${m.units[0] ?? ''}牵头）`;

  const withTargets = projects.filter((p) => p.targets.length > 0);
  const targetsMet = withTargets.flatMap((p) => p.targets).filter((t) => t.met === true).length;
  const targetsAll = withTargets.flatMap((p) => p.targets).length;
  const supervised = projects.filter((p) => p.cycles > 0);
  const withRounds = projects.filter((p) => p.rounds > 0);
  const stillOpen = projects.filter((p) => p.openRounds > 0);
  const missedProjects = projects.filter((p) => p.milestonesMissed > 0);

  const verdictText = (m: (typeof metrics)[number]) => {
    const l = m.track.latest;
    return l?.verdict ? `${ragText[l.verdict.rag]}：${l.verdict.reason}` : '尚未报送年度数值';
  };

  return {
    stage,
    issuer,
    documentNumber: options.documentNumber ?? `督〔${date.slice(0, 4)}〕1号`,
    title: `关于《${plan.title}》实施情况${stageName[stage]}的报告`,
    addressees: plan.units,
    date: longDate(date),
    opening:
      `根据《${plan.title}》实施安排，${issuer}对规划确定的${count(indicatorItems, '项主要指标')}（${count(metrics.length, '个指标项')}）` +
      `和${count(projects.length, '个重大项目')}的实施情况开展了${stageName[stage]}。评估以各责任单位在督导平台报送并经审核的年度数值和节点报告为依据，` +
      `统计截至${longDate(date)}。现将评估情况报告如下：`,
    indicatorSummary: [
      `${metrics.length}个指标项中，已达到规划目标${reached.length}个；按计划进度，绿灯${green.length}个、黄灯${amber.length}个、红灯${red.length}个，尚未报送年度数值${unreported.length}个。` +
        `计划进度自基期值至${plan.lastYear}年目标值按年度等分，落后不超过当年计划值${Math.round(figures.tolerance * 1000) / 10}%的为黄灯。`,
      red.length > 0
        ? `落后于计划进度较多的指标：${red.map(name).join('、')}。`
        : '未发现明显落后于计划进度的指标。',
    ],
    indicators: {
      columns: ['序号', '指标', '规划目标', '基期值', '最新值', '当年计划值', '评估'],
      rows: metrics.map((m, i) => {
        const l = m.track.latest;
        const u = m.target.unit;
        return [
          String(i + 1),
          `${m.itemId} ${m.target.metric}`,
          targetText(m.target, m.track.targetYear),
          m.track.baseline
            ? `${m.track.baseline.year}年${m.track.baseline.value}${u}${m.track.baseline.source === 'first_report' ? '（首次报送值）' : ''}`
            : '未录入',
          l ? `${l.year}年${l.reported}${u}` : '未报送',
          l?.planned != null ? `${l.planned}${u}` : '—',
          verdictText(m),
        ];
      }),
    },
    projectSummary: [
      `${projects.length}个重大项目中，${supervised.length}个已纳入督导周期；节点达标${sum(projects, 'milestonesMet')}个、未完成${sum(projects, 'milestonesMissed')}个、进行中${sum(projects, 'milestonesOpen')}个。` +
        (targetsAll > 0
          ? `带量化目标的${withTargets.length}个项目共${targetsAll}个目标值，经审定达标${targetsMet}个。`
          : ''),
      withRounds.length > 0
        ? `${withRounds.length}个项目因节点未达标进入整改，共${sum(projects, 'rounds')}轮；${stillOpen.length > 0 ? `仍未销号的有：${stillOpen.map((p) => `${p.itemId} ${p.title}`).join('、')}。` : '均已销号或结束。'}`
        : '各重大项目未发生整改事项。',
    ],
    projects: {
      columns: ['序号', '项目', '牵头单位', '目标值', '节点情况', '整改轮次', '当前状态'],
      rows: projects.map((p, i) => [
        String(i + 1),
        `${p.itemId} ${p.title}`,
        p.leadUnit,
        p.targets.length === 0
          ? '—'
          : p.targets
              .map(
                (t) =>
                  `${t.metric}${opLabel(t.op)}${t.value}${t.unit}（${targetYearOf(t, plan.lastYear)}年）` +
                  `${t.reported === null ? '，未报送' : `，报送${t.reported}${t.unit}${t.met === null ? '待审定' : t.met ? '达标' : '未达标'}`}`,
              )
              .join('；'),
        p.cycles === 0
          ? '未纳入督导'
          : `达标${p.milestonesMet}、未完成${p.milestonesMissed}、进行中${p.milestonesOpen}`,
        String(p.rounds),
        p.now,
      ]),
    },
    problems: [
      ...(red.length > 0
        ? [
            `（一）${red.length}个指标项明显落后于计划进度：${red.map((m) => `${m.target.metric}${m.track.latest?.verdict?.reason ?? ''}`).join('；')}。`,
          ]
        : []),
      ...(missedProjects.length > 0
        ? [
            `（${red.length > 0 ? '二' : '一'}）${missedProjects.length}个重大项目有节点未按要求完成：${missedProjects.map((p) => `${p.itemId} ${p.title}（${p.leadUnit}）`).join('、')}。`,
          ]
        : []),
      ...(unreported.length > 0
        ? [
            `部分指标尚未报送年度数值（${unreported.map((m) => m.target.metric).join('、')}），监测数据不完整。`,
          ]
        : []),
    ],
    nextSteps: [
      stage === 'mid'
        ? '（一）对红灯、黄灯指标，责任单位要分析原因，提出后半程加快推进的具体措施，报督导处备案。'
        : '（一）对未达到规划目标的指标，责任单位要分析原因，形成专题说明，纳入下一个五年规划统筹考虑。',
      '（二）未销号的整改事项继续结转下一督导周期，直至整改到位；逾期未整改的按考核计分办法扣分。',
      '（三）各责任单位要按年度如实报送指标数值，注明数据来源并附佐证材料，督导处按年度通报进展。',
    ],
  };
}

const sum = (
  projects: readonly ProjectFacts[],
  key: 'milestonesMet' | 'milestonesMissed' | 'milestonesOpen' | 'rounds',
) => projects.reduce((n, p) => n + p[key], 0);

/** The review as tables, for the terminal, CSV, Excel and HTML. */
export function planReviewReport(r: PlanReview, scope: ReportScope): Report {
  const table = (title: string, t: { columns: string[]; rows: string[][] }) => ({
    title,
    columns: t.columns.map((label, i) => ({ key: `c${i}`, label })),
    rows: t.rows.map((row) => Object.fromEntries(row.map((v, i) => [`c${i}`, v]))),
  });
  return {
    title: `规划${stageName[r.stage]}`,
    subtitle: `${scope.cycleId ? `督导周期 ${scope.cycleId}；` : '全部督导周期；'}统计时点：${day(scope.at)}`,
    tables: [table('主要指标完成情况', r.indicators), table('重大项目推进情况', r.projects)],
    charts: [],
    footer: [...r.indicatorSummary, ...r.projectSummary],
  };
}
