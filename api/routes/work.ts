import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ApiDeps, AppEnv } from '../deps';
import { inboxUnit, requireAction, type Action } from '../authorize';
import { jsonBody, jsonOk, newRouter, security } from '../openapi';
import {
  AcknowledgeBody,
  CycleFilter,
  DecideExtensionBody,
  Escalation,
  InboxItem,
  InboxQuery,
  ProjectParams,
  ProjectRow,
  ProjectState,
  ReassignBody,
  RequestExtensionBody,
  ReviewBody,
  ReviewQueue,
  SubmitBody,
} from '../schemas';
import { board, inbox, projectView, runCommand, type BoardRow } from '../services/projects';
import { cyclesInScope } from '../services/cycles';
import type { ProjectCommand } from '../../domain/commands';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

const get = <Q extends z.ZodObject, S extends z.ZodType>(
  path: string,
  summary: string,
  query: Q,
  schema: S,
) =>
  createRoute({
    method: 'get',
    path,
    summary,
    security,
    request: { query },
    responses: jsonOk(schema, summary),
  });
const action = <B extends z.ZodType>(path: string, summary: string, body: B) =>
  createRoute({
    method: 'post',
    path,
    summary,
    security,
    request: jsonBody(body),
    responses: jsonOk(ProjectState, '操作后的项目状态'),
  });

const routes = {
  inbox: get('/api/inbox', '单位待办（单位人员看本单位；督导处可指定单位）', InboxQuery, z.array(InboxItem)),
  board: get('/api/board', '督导看板：项目及红黄绿灯', CycleFilter, z.array(ProjectRow)),
  queue: get('/api/review-queue', '待审核报告与待审批延期申请', CycleFilter, ReviewQueue),
  escalations: get('/api/escalations', '督办清单', CycleFilter, z.array(Escalation)),
  acknowledge: action('/api/actions/acknowledge', '签收', AcknowledgeBody),
  submit: action('/api/actions/submit', '报送（牵头单位报送节点报告，配合单位报送配合材料）', SubmitBody),
  requestExtension: action('/api/actions/request-extension', '申请延期', RequestExtensionBody),
  approve: action('/api/actions/approve', '审核通过（督导处）', ReviewBody),
  return: action('/api/actions/return', '退回重办（督导处）', ReviewBody),
  decideExtension: action('/api/actions/decide-extension', '审批延期申请（督导处）', DecideExtensionBody),
  reassign: action('/api/actions/reassign', '转办（督导处）', ReassignBody),
  project: createRoute({
    method: 'get',
    path: '/api/cycles/{cycleId}/projects/{itemId}',
    summary: '项目状态',
    security,
    request: { params: ProjectParams },
    responses: jsonOk(ProjectState, '项目'),
  }),
};

/** The review queue 督导处 works through, derived from the board. */
export function reviewQueue(rows: BoardRow[]): z.infer<typeof ReviewQueue> {
  return {
    reports: rows.flatMap((p) =>
      p.milestones
        .filter((m) => m.phase === 'submitted' && m.submission)
        .map((m) => ({
          cycleId: p.cycleId,
          itemId: p.itemId,
          title: p.title,
          milestoneId: m.milestoneId,
          leadUnit: p.leadUnit,
          round: m.submission!.round,
          late: m.submission!.late,
          narrative: m.submission!.narrative,
          values: m.submission!.values.map((v) => ({
            label: `${m.targets[v.targetIndex]?.metric ?? `目标${v.targetIndex + 1}`}${m.targets[v.targetIndex]?.unit ? `（${m.targets[v.targetIndex]!.unit}）` : ''}`,
            value: v.value,
          })),
          evidence: m.submission!.evidence,
        })),
    ),
    extensions: rows.flatMap((p) =>
      p.milestones.flatMap((m) =>
        m.extensions
          .filter((x) => x.status === 'pending')
          .map((x) => ({
            cycleId: p.cycleId,
            itemId: p.itemId,
            title: p.title,
            milestoneId: m.milestoneId,
            requestId: x.requestId,
            unit: x.unit,
            dueAt: m.dueAt,
            requestedDueAt: x.requestedDueAt,
            reason: x.reason,
          })),
      ),
    ),
  };
}

/** Assignments under 督办 (escalation level ≥ 1), highest level first. */
export function escalations(rows: BoardRow[]): z.infer<typeof Escalation>[] {
  return rows
    .flatMap((p) =>
      p.milestones.flatMap((m) =>
        m.assignments
          .filter((a) => a.escalationLevel > 0 && m.phase !== 'closed' && m.phase !== 'approved')
          .map((a) => ({
            cycleId: p.cycleId,
            itemId: p.itemId,
            title: p.title,
            milestoneId: m.milestoneId,
            unit: a.unit,
            level: a.escalationLevel,
            dueAt: m.dueAt,
            reason: m.reason,
          })),
      ),
    )
    .sort((a, b) => b.level - a.level);
}

export function workRoutes(deps: ApiDeps) {
  /** Checks the role, then sends the command with the signed-in principal as its actor. */
  const send = async (
    c: Context<AppEnv>,
    act: Action,
    cycleId: string,
    ref: string,
    command: DistributiveOmit<ProjectCommand, 'actor'>,
  ) => {
    requireAction(c.get('principal'), act);
    const view = await runCommand(deps.client, cycleId, ref, {
      ...command,
      actor: c.get('principal'),
    } as ProjectCommand);
    return c.json(view, 200);
  };
  const readBoard = async (c: Context<AppEnv>, cycle?: string) => {
    requireAction(c.get('principal'), 'readBoard');
    return board(deps.client, await cyclesInScope(deps.client, deps.taskQueue, cycle));
  };

  return newRouter()
    .openapi(routes.inbox, async (c) => {
      const { unit, cycle } = c.req.valid('query');
      const forUnit = inboxUnit(c.get('principal'), unit);
      return c.json(
        await inbox(deps.client, forUnit, await cyclesInScope(deps.client, deps.taskQueue, cycle)),
        200,
      );
    })
    .openapi(routes.board, async (c) => c.json(await readBoard(c, c.req.valid('query').cycle), 200))
    .openapi(routes.queue, async (c) =>
      c.json(reviewQueue(await readBoard(c, c.req.valid('query').cycle)), 200),
    )
    .openapi(routes.escalations, async (c) =>
      c.json(escalations(await readBoard(c, c.req.valid('query').cycle)), 200),
    )
    .openapi(routes.project, async (c) => {
      const { cycleId, itemId } = c.req.valid('param');
      return c.json(await projectView(deps.client, c.get('principal'), cycleId, itemId), 200);
    })
    .openapi(routes.acknowledge, (c) => {
      const b = c.req.valid('json');
      return send(c, 'acknowledge', b.cycleId, b.assignmentId, {
        type: 'acknowledge',
        assignmentId: b.assignmentId,
      });
    })
    .openapi(routes.submit, (c) => {
      const { cycleId, ref, narrative, values, evidence } = c.req.valid('json');
      // A co-unit's assignment id names its unit (…/co:<unit>); anything else is the lead's milestone.
      const command = ref.includes('/co:')
        ? { type: 'submitContribution' as const, assignmentId: ref, narrative, values, evidence }
        : { type: 'submitReport' as const, milestoneId: ref, narrative, values, evidence };
      return send(c, 'submit', cycleId, ref, command);
    })
    .openapi(routes.requestExtension, (c) => {
      const { cycleId, ...b } = c.req.valid('json');
      return send(c, 'requestExtension', cycleId, b.milestoneId, { type: 'requestExtension', ...b });
    })
    .openapi(routes.approve, (c) => {
      const { cycleId, ...b } = c.req.valid('json');
      return send(c, 'approve', cycleId, b.milestoneId, { type: 'approve', ...b });
    })
    .openapi(routes.return, (c) => {
      const { cycleId, ...b } = c.req.valid('json');
      return send(c, 'return', cycleId, b.milestoneId, { type: 'return', ...b });
    })
    .openapi(routes.decideExtension, (c) => {
      const { cycleId, ...b } = c.req.valid('json');
      // Request ids are `<milestoneId>/ext-<n>`.
      const milestoneId = b.requestId.replace(/\/ext-\d+$/, '');
      return send(c, 'decideExtension', cycleId, milestoneId, { type: 'decideExtension', milestoneId, ...b });
    })
    .openapi(routes.reassign, (c) => {
      const { cycleId, ...b } = c.req.valid('json');
      return send(c, 'reassign', cycleId, b.assignmentId, { type: 'reassign', ...b });
    });
}
