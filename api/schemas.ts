import { z } from '@hono/zod-openapi';
import { EvidenceRef, Iso, ReportedValue } from '../domain/events';
import { StartCycleBody, ExtendCycleBody, CancelCycleBody } from '../app/cycles';

/** Request and response bodies: the validators and /openapi.json come from these same schemas. */

/**
 * Names an object schema defined outside the API (domain, app) for /openapi.json. Such a schema
 * has `.openapi()` only if it was created after this package extended zod, i.e. depending on which
 * module the process loaded first (`npm run bench` loaded the domain first and crashed), so it is
 * rebuilt here from its shape, which always has it.
 */
const named = <S extends z.ZodRawShape>(schema: z.ZodObject<S>, name: string) =>
  z.object(schema.shape).openapi(name);

export const ErrorBody = z
  .object({ code: z.string(), message: z.string() })
  .openapi('Error', { example: { code: 'forbidden', message: '单位经办人无权审核通过' } });

export const SignInBody = z
  .object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) })
  .openapi('SignIn');

export const Me = z
  .object({
    username: z.string(),
    displayName: z.string(),
    role: z.string(),
    unit: z.string().nullable(),
    csrfToken: z.string().nullable(),
  })
  .openapi('Me');

export const PlanVersion = z
  .object({
    planId: z.number(),
    title: z.string(),
    version: z.number(),
    sourceName: z.string(),
    issuedOn: z.string().nullable(),
    itemCount: z.number(),
  })
  .openapi('PlanVersion');

export const PlanItemRow = z
  .looseObject({
    id: z.string(),
    kind: z.string(),
    /** The short name to list the item by (the document's own, else its first clause). */
    title: z.string(),
    text: z.string(),
    units: z.array(z.string()),
  })
  .openapi('PlanItem');

export const PlanItemsQuery = z.object({
  version: z.coerce.number().int().optional(),
  kind: z.enum(['indicator', 'task', 'major_project']).optional(),
});

export const CycleRow = z
  .object({ cycleId: z.string(), status: z.string(), startedAt: z.string() })
  .openapi('CycleListRow');

export const CycleState = z
  .looseObject({
    cycleId: z.string(),
    name: z.string(),
    status: z.string(),
    window: z.object({ opensAt: z.string(), submissionDueAt: z.string(), reviewDueAt: z.string() }),
    now: z.string(),
    projects: z.array(z.object({ projectId: z.string(), workflowId: z.string(), done: z.boolean() })),
  })
  .openapi('Cycle');

export const StartCycle = named(StartCycleBody, 'StartCycle');
export const StartedCycle = z
  .object({
    cycleId: z.string(),
    items: z.number(),
    /** Present when the office's working-day calendar misses a year of the cycle. */
    warning: z.string().optional(),
  })
  .openapi('StartedCycle');
export const ExtendCycle = named(ExtendCycleBody, 'ExtendCycle');
export const CancelCycle = named(CancelCycleBody, 'CancelCycle');
export const CycleIdParam = z.object({ cycleId: z.string().min(1).max(100) });
export const ProjectParams = CycleIdParam.extend({ itemId: z.string().min(1).max(100) });
export const CycleFilter = z.object({ cycle: z.string().max(100).optional() });
export const InboxQuery = CycleFilter.extend({ unit: z.string().max(100).optional() });

const Target = z.looseObject({ metric: z.string(), op: z.string(), value: z.number() });
/** Set while the project's workflow is stuck (dudao doctor): the project is listed, marked. */
const Stuck = z.object({ problem: z.enum(['task_failing', 'query_failing']), since: z.string() }).nullable();

export const InboxItem = z
  .object({
    cycleId: z.string(),
    itemId: z.string(),
    title: z.string(),
    milestoneId: z.string(),
    milestoneText: z.string(),
    assignmentId: z.string(),
    role: z.enum(['lead', 'co']),
    dueAt: z.string(),
    originalDueAt: z.string(),
    phase: z.string(),
    acknowledged: z.boolean(),
    submitted: z.boolean(),
    rag: z.enum(['red', 'amber', 'green']),
    ragReason: z.string(),
    returnComment: z.string().nullable(),
    pendingExtension: z.boolean(),
    targets: z.array(Target),
    stuck: Stuck,
    calendarGap: z.number().int().nullable().openapi({
      description: '期限所在年份未录入办公日历时为该年份（期限按日历日推算），否则为 null',
    }),
  })
  .openapi('InboxItem');

export const ProjectRow = z
  .looseObject({
    cycleId: z.string(),
    itemId: z.string(),
    title: z.string(),
    leadUnit: z.string(),
    rag: z.enum(['red', 'amber', 'green']),
    ragReason: z.string(),
    stuck: Stuck,
    milestones: z.array(z.looseObject({ milestoneId: z.string(), phase: z.string(), rag: z.string() })),
  })
  .openapi('ProjectRow');

export const ReviewQueue = z
  .object({
    reports: z.array(
      z.object({
        cycleId: z.string(),
        itemId: z.string(),
        title: z.string(),
        milestoneId: z.string(),
        leadUnit: z.string(),
        round: z.number(),
        late: z.boolean(),
        narrative: z.string(),
        values: z.array(z.object({ label: z.string(), value: z.number() })),
        evidence: z.array(EvidenceRef),
      }),
    ),
    extensions: z.array(
      z.object({
        cycleId: z.string(),
        itemId: z.string(),
        title: z.string(),
        milestoneId: z.string(),
        requestId: z.string(),
        unit: z.string(),
        dueAt: z.string(),
        requestedDueAt: z.string(),
        reason: z.string(),
      }),
    ),
    closures: z.array(
      z.object({
        cycleId: z.string(),
        itemId: z.string(),
        title: z.string(),
        requestId: z.string(),
        unit: z.string(),
        narrative: z.string(),
        evidence: z.array(EvidenceRef),
        openMilestones: z.array(z.object({ milestoneId: z.string(), text: z.string(), dueAt: z.string() })),
      }),
    ),
  })
  .openapi('ReviewQueue');

export const Escalation = z
  .object({
    cycleId: z.string(),
    itemId: z.string(),
    title: z.string(),
    milestoneId: z.string(),
    unit: z.string(),
    level: z.number(),
    dueAt: z.string(),
    reason: z.string(),
  })
  .openapi('Escalation');

export const ProjectState = z
  .looseObject({ now: z.string(), state: z.looseObject({ itemId: z.string(), title: z.string() }) })
  .openapi('ProjectView');

const base = { cycleId: z.string().min(1).max(100) };
const narrative = z.string().trim().min(1, '请填写进展说明').max(20_000);
export const AcknowledgeBody = z.object({ ...base, assignmentId: z.string().min(1) }).openapi('Acknowledge');
export const SubmitBody = z
  .object({
    ...base,
    /** The lead unit's milestone id (a report) or a co-unit's assignment id (a contribution). */
    ref: z.string().min(1),
    narrative,
    /** 数据来源 of the values: required for a 主要指标's report, recorded as the narrative's first line. */
    source: z.string().trim().max(200).optional(),
    values: z.array(ReportedValue).max(100).default([]),
    evidence: z.array(EvidenceRef).max(50).default([]),
  })
  .openapi('Submit');
export const RequestExtensionBody = z
  .object({
    ...base,
    milestoneId: z.string().min(1),
    reason: z.string().trim().min(1, '请填写延期原因').max(2000),
    requestedDueAt: Iso,
  })
  .openapi('RequestExtension');
export const ReviewBody = z
  .object({ ...base, milestoneId: z.string().min(1), comment: z.string().max(5000).default('') })
  .openapi('Review');
export const DecideExtensionBody = z
  .object({
    ...base,
    requestId: z.string().min(1),
    grant: z.boolean(),
    newDueAt: Iso.optional(),
    comment: z.string().max(2000).default(''),
  })
  .openapi('DecideExtension');
export const RequestClosureBody = z
  .object({
    ...base,
    itemId: z.string().min(1).max(100),
    narrative: z.string().trim().min(1, '请填写办结说明').max(20_000, '办结说明不能超过20000字'),
    evidence: z.array(EvidenceRef).max(50, '佐证材料不能超过50份').default([]),
  })
  .openapi('RequestClosure');
export const DecideClosureBody = z
  .object({
    ...base,
    itemId: z.string().min(1).max(100),
    requestId: z.string().min(1),
    confirm: z.boolean({ error: '请选择同意销号或不同意' }),
    comment: z.string().max(2000, '审批意见不能超过2000字').default(''),
  })
  .openapi('DecideClosure');
const ClosureRequest = z.object({
  requestId: z.string(),
  unit: z.string(),
  narrative: z.string(),
  evidence: z.array(EvidenceRef),
  status: z.enum(['pending', 'confirmed', 'refused']),
  comment: z.string(),
});
export const ClosureItem = z
  .object({
    cycleId: z.string(),
    itemId: z.string(),
    title: z.string(),
    status: z.enum(['active', 'suspended', 'cancelled', 'closed']),
    pending: ClosureRequest.nullable(),
    refused: ClosureRequest.nullable(),
    mayRequest: z.boolean(),
    stuck: Stuck,
  })
  .openapi('ClosureItem');
export const PeriodItem = z
  .object({
    cycleId: z.string(),
    itemId: z.string(),
    title: z.string(),
    periodId: z.string(),
    label: z.string(),
    dueAt: z.string(),
    missAt: z.string(),
    overdue: z.boolean(),
  })
  .openapi('PeriodItem');
export const ReassignBody = z
  .object({
    ...base,
    assignmentId: z.string().min(1),
    toUnit: z.string().trim().min(1).max(100),
    reason: z.string().trim().min(1, '请填写转办原因').max(2000),
  })
  .openapi('Reassign');

export const NoticeParams = z.object({ id: z.string().min(1).max(500) });
export const Notice = z
  .object({
    notificationId: z.string(),
    kind: z.string(),
    cycleId: z.string(),
    unit: z.string(),
    subject: z.string(),
    body: z.string(),
    projectId: z.string().nullable(),
    milestoneId: z.string().nullable(),
    dueAt: z.string().nullable(),
    createdAt: z.string(),
    status: z.string(),
    deliveredAt: z.string().nullable(),
    openedAt: z.string().nullable(),
  })
  .openapi('Notice');

export const EvidenceUpload = z
  .object({
    file: z
      .custom<File>((v) => v instanceof File, '请选择要上传的文件')
      .openapi({ type: 'string', format: 'binary' }),
  })
  .openapi('EvidenceUpload');
export const EvidenceRefBody = named(EvidenceRef, 'EvidenceRef');
export const Sha256Param = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });

export const TimelineEvent = z
  .looseObject({
    seq: z.number(),
    type: z.string(),
    at: z.string(),
    actor: z.looseObject({ userId: z.string(), role: z.string() }),
    hash: z.string(),
  })
  .openapi('TimelineEvent');
export const Timeline = z
  .object({
    streamId: z.string(),
    events: z.array(TimelineEvent),
    verdict: z
      .object({
        ok: z.boolean(),
        checked: z.enum(['history', 'log']),
        events: z.number(),
        findings: z.array(z.string()),
        lastHash: z.string().nullable(),
      })
      .nullable(),
  })
  .openapi('Timeline');

export const reportNames = [
  'cycle',
  'units',
  'overdue',
  'targets',
  'rework',
  'assessment',
  'notices',
  'instructions',
  'progress',
  'lineage',
  'dispatch',
  'indicators',
  'plan-review',
] as const;
export const ReportParams = z.object({ name: z.enum(reportNames) });
export const ReportQuery = z.object({
  cycle: z.string().max(100).optional(),
  /** docx: the official document (Word) of assessment (the 通报) and plan-review. */
  format: z.enum(['csv', 'xlsx', 'html', 'docx']).default('csv'),
  /** plan-review only: 中期评估 (mid, the default) or 终期评估 (final). */
  stage: z.enum(['mid', 'final']).optional(),
  /** docx only: the document's 文号 and 发文机关 (by default 督〔年〕1号 and the plan's issuer). */
  docNumber: z.string().max(50).optional(),
  issuer: z.string().max(50).optional(),
  /** lineage only: one plan item, one unit. */
  item: z.string().max(100).optional(),
  unit: z.string().max(50).optional(),
});

export const PlanUpload = z
  .object({
    file: z
      .custom<File>((v) => v instanceof File, '请选择要导入的规划文件')
      .openapi({ type: 'string', format: 'binary' }),
  })
  .openapi('PlanUpload');
export const PlanImportUpload = z
  .object({
    file: PlanUpload.shape.file,
    /** The content hash the preview showed: the import is refused if the file is not the one reviewed. */
    contentHash: z.string().regex(/^[0-9a-f]{64}$/, '缺少预览时的内容校验值，请先预览'),
  })
  .openapi('PlanImportUpload');

const PlanDiffBody = z
  .object({
    added: z.array(PlanItemRow),
    removed: z.array(PlanItemRow),
    changed: z.array(z.object({ before: PlanItemRow, after: PlanItemRow, fields: z.array(z.string()) })),
    unchanged: z.number(),
  })
  .openapi('PlanDiff');

export const PlanPreviewBody = z
  .object({
    fileName: z.string(),
    contentHash: z.string(),
    status: z.enum(['new', 'revision', 'unchanged']),
    planId: z.number().nullable(),
    version: z.number().nullable(),
    plan: z.looseObject({
      title: z.string(),
      items: z.array(PlanItemRow),
      units: z.array(z.string()),
      warnings: z.array(z.looseObject({ line: z.number(), message: z.string() })),
    }),
    diff: PlanDiffBody.nullable(),
  })
  .openapi('PlanPreview');

export const PlanImportBody = z
  .object({
    status: z.enum(['created', 'unchanged']),
    planId: z.number(),
    version: z.number(),
    itemCount: z.number(),
    warningCount: z.number(),
    diff: PlanDiffBody.nullable(),
  })
  .openapi('PlanImportResult');
