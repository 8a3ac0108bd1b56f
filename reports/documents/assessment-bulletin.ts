/**
 * The 考核结果通报 as an office sends it: everything the document says, worked out from the figures of
 * the cycle's assessment. Pure apart from `loadAssessmentBulletin`, which reads the cycle, its rules and
 * its scoreboard; rendering to Word is `render-bulletin-docx.ts`.
 */
import { sql } from 'kysely';
import type { AssessmentRules } from '../../domain/assessment-rules';
import type { Db } from '../../db/projections/read-model';
import { assessUnits, scoringPolicyText, type UnitAssessment } from '../assessment';
import { cycleAssessmentRules, deductionsLine } from '../assessment-tables';
import { day, percent } from '../format';
import { cycleOf, rectificationsOverdue, unitScoreboard, type CycleRow } from '../queries';
import type { ReportScope } from '../builders';

/** What the person issuing the 通报 decides rather than the figures. */
export interface BulletinOptions {
  /** 文号, e.g. 衢教督〔2017〕3号. */
  documentNumber?: string;
  /** 发文机关; by default the plan's issuer. */
  issuer?: string;
}

export interface BulletinSection {
  heading: string;
  paragraphs: string[];
}

export interface AssessmentBulletin {
  issuer: string;
  documentNumber: string;
  title: string;
  /** 主送单位. */
  addressees: string[];
  opening: string;
  sections: BulletinSection[];
  ranking: { columns: string[]; rows: string[][] };
  praised: { unit: string; reason: string }[];
  criticised: { unit: string; reason: string }[];
  /** 整改要求, one paragraph each. */
  rectification: string[];
  /** 成文日期 as written on the document: 2017年9月1日. */
  date: string;
  scoringRules: string[];
}

interface PlanFacts {
  plan_title: string | null;
  plan_issuer: string | null;
}

export async function loadAssessmentBulletin(
  db: Db,
  scope: ReportScope & { cycleId: string },
  options: BulletinOptions = {},
): Promise<AssessmentBulletin> {
  const cycle = await cycleOf(db, scope);
  if (!cycle) throw new Error(`找不到督导周期 ${scope.cycleId}`);
  const [rules, board, plan, overdue] = await Promise.all([
    cycleAssessmentRules(db, scope.cycleId),
    unitScoreboard(db, scope),
    planFacts(db, scope),
    rectificationsOverdue(db, scope),
  ]);
  const ranked = assessUnits(board, rules, overdue);
  return composeBulletin({ cycle, rules, ranked, plan, at: scope.at, options });
}

async function planFacts(db: Db, scope: ReportScope & { cycleId: string }): Promise<PlanFacts> {
  const { rows } = await sql<PlanFacts>`
    SELECT p.title AS plan_title, v.issuer AS plan_issuer
    FROM ${sql.id(scope.schema, 'cycles')} c
    JOIN plan_versions v ON v.plan_id::text = c.plan_id AND v.version = c.plan_version
    JOIN plans p ON p.id = v.plan_id
    WHERE c.cycle_id = ${scope.cycleId}`.execute(db);
  return rows[0] ?? { plan_title: null, plan_issuer: null };
}

export function composeBulletin(input: {
  cycle: Pick<CycleRow, 'name' | 'opens_at' | 'submission_due_at' | 'scoring_baseline'>;
  rules: AssessmentRules;
  ranked: UnitAssessment[];
  plan: PlanFacts;
  at: string;
  options: BulletinOptions;
}): AssessmentBulletin {
  const { cycle, rules, ranked, plan, at, options } = input;
  const issuer = options.issuer ?? plan.plan_issuer ?? '督导处';
  const year = (day(at) ?? '').slice(0, 4);
  const sum = (f: (u: UnitAssessment) => number) => ranked.reduce((n, u) => n + f(u), 0);
  const assignments = sum((u) => u.assignments);
  const due = sum((u) => u.submitted + u.overdue_unsubmitted);
  const onTime = sum((u) => u.on_time);
  const late = sum((u) => u.late + u.overdue_unsubmitted);
  const returns = sum((u) => u.returns);
  const levels = sum((u) => u.escalation_levels);
  const met = sum((u) => u.targets_met);
  const missed = sum((u) => u.targetsMissed);
  const reason = (u: UnitAssessment) =>
    `得分${u.score}分，按时报送率${percent(u.on_time, u.submitted + u.overdue_unsubmitted)}；${deductionsLine(u)}`;
  const praised = ranked.filter((u) => u.grade === '好').map((u) => ({ unit: u.unit, reason: reason(u) }));
  const criticised = ranked.filter((u) => u.grade === '差').map((u) => ({ unit: u.unit, reason: reason(u) }));
  const shortfalls = ranked
    .filter((u) => u.late + u.overdue_unsubmitted + u.targetsMissed > 0)
    .map((u) => u.unit);
  const basis = plan.plan_title ? `根据《${plan.plan_title}》和` : '根据';
  const grades = (g: UnitAssessment['grade']) => ranked.filter((u) => u.grade === g).length;

  return {
    issuer,
    documentNumber: options.documentNumber ?? `督〔${year}〕1号`,
    title: `关于${cycle.name}考核结果的通报`,
    addressees: ranked.map((u) => u.unit),
    opening: `${basis}${cycle.name}工作安排，${issuer}于${longDate(day(cycle.opens_at))}至${longDate(
      day(cycle.submission_due_at),
    )}对${ranked.length}个责任单位承办的事项开展了专项督导，并按计分办法进行了考核。现将考核结果通报如下：`,
    sections: [
      {
        heading: '一、总体情况',
        paragraphs: [
          `本期共交办事项${assignments}件，应报送${due}件，按时报送${onTime}件，按时报送率${percent(onTime, due)}；` +
            `逾期报送或逾期未报${late}件；退回重办${returns}次；升级督办累计${levels}级；` +
            `目标值经审定达标${met}个、未达标${missed}个。`,
          `考核结果：“好”${grades('好')}个、“较好”${grades('较好')}个、“一般”${grades('一般')}个、“差”${grades('差')}个，各单位得分及排名见下表。`,
        ],
      },
    ],
    ranking: {
      columns: ['名次', '责任单位', '得分', '等次', '按时报送率', '扣分（加分）事项'],
      rows: ranked.map((u) => [
        String(u.rank),
        u.unit,
        String(u.score),
        u.grade,
        percent(u.on_time, u.submitted + u.overdue_unsubmitted),
        deductionsLine(u),
      ]),
    },
    praised,
    criticised,
    rectification: [
      ...(shortfalls.length > 0
        ? [
            `有逾期报送、逾期未报或目标值未达标事项的单位（${shortfalls.join('、')}），要认真分析原因，` +
              `自本通报印发之日起${RECTIFICATION_WORKDAYS}个工作日内向${issuer}报送整改报告，写明整改措施、责任人和完成时限。`,
          ]
        : []),
      ...(criticised.length > 0
        ? [
            `被通报批评的单位（${criticised.map((c) => c.unit).join('、')}）主要负责同志要亲自研究部署整改，整改情况纳入下一轮督导重点核查。`,
          ]
        : []),
      '各单位要对照计分办法查找差距，举一反三，按时报送进展和佐证材料，确保各项目标任务按期完成。',
    ],
    date: longDate(day(at)),
    scoringRules: scoringPolicyText(cycle.scoring_baseline, rules),
  };
}

/** The time a 整改报告 is due after the 通报, as offices commonly set it. */
const RECTIFICATION_WORKDAYS = 15;

/** 2017-09-01 → 2017年9月1日, as dates are written in an official document. */
export function longDate(iso: string | null): string {
  if (!iso) return '';
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
