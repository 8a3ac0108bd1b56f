import { createRoute, z } from '@hono/zod-openapi';
import { gunzipSync } from 'node:zlib';
import type { Context, TypedResponse } from 'hono';
import type { ApiDeps, AppEnv } from '../../http/deps';
import { inboxUnit, requireAction, type Action } from '../../app/authorize';
import { jsonBody, jsonOk, newRouter, security } from '../openapi';
import {
  AcknowledgeBody,
  ClosureItem,
  PeriodItem,
  CycleFilter,
  DecideClosureBody,
  DecideExtensionBody,
  Escalation,
  InboxItem,
  InboxQuery,
  ProjectParams,
  ProjectRow,
  ProjectState,
  ReassignBody,
  RequestClosureBody,
  RequestExtensionBody,
  ReviewBody,
  ReviewQueue,
  SubmitBody,
} from '../schemas';
import { projectView, runCommand } from '../../app/projects';
import { board, closureInbox, escalations, inbox, periodInbox, reviewQueue } from '../../app/views';
import { assertCitable } from '../../app/evidence';
import { refuseAcrossShares } from '../../app/dispatch-rules';
import { requireDataSourceOf } from '../../app/indicators';
import { withDataSource } from '../../domain/yearly-items';
import type { ProjectCommand } from '../../domain/commands';
import { ApiError } from '../../app/errors';

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
  queue: get('/api/review-queue', '待审核报告、待审批延期申请与办结申请', CycleFilter, ReviewQueue),
  periods: get(
    '/api/periods',
    '待报的定期反馈（单位人员看本单位；督导处可指定单位）',
    InboxQuery,
    z.array(PeriodItem),
  ),
  closures: get(
    '/api/closures',
    '牵头的项目及其办结申请（单位人员看本单位；督导处可指定单位）',
    InboxQuery,
    z.array(ClosureItem),
  ),
  escalations: get('/api/escalations', '督办清单', CycleFilter, z.array(Escalation)),
  acknowledge: action('/api/actions/acknowledge', '签收', AcknowledgeBody),
  submit: action('/api/actions/submit', '报送（牵头单位报送节点报告，配合单位报送配合材料）', SubmitBody),
  progress: action(
    '/api/actions/progress',
    '定期反馈（牵头单位按期报送本期进展，ref 为期次编号）',
    SubmitBody,
  ),
  requestExtension: action('/api/actions/request-extension', '申请延期', RequestExtensionBody),
  approve: action('/api/actions/approve', '审核通过（督导处）', ReviewBody),
  return: action('/api/actions/return', '退回重办（督导处）', ReviewBody),
  decideExtension: action('/api/actions/decide-extension', '审批延期申请（督导处）', DecideExtensionBody),
  reassign: action('/api/actions/reassign', '转办（督导处）', ReassignBody),
  requestClosure: action(
    '/api/actions/request-closure',
    '申请办结（牵头单位，附佐证材料）',
    RequestClosureBody,
  ),
  decideClosure: action(
    '/api/actions/decide-closure',
    '办结申请审批：同意销号或不同意（督导处，不同意须填写理由）',
    DecideClosureBody,
  ),
  project: createRoute({
    method: 'get',
    path: '/api/cycles/{cycleId}/projects/{itemId}',
    summary: '项目状态',
    security,
    request: { params: ProjectParams },
    responses: jsonOk(ProjectState, '项目'),
  }),
};

/**
 * A polled view as the view cache serialized and gzipped it once for every session; unzipped here
 * for the rare client that does not accept gzip. Typed as the route's JSON answer (it is that JSON).
 */
const cachedJson = <T>(c: Context<AppEnv>, gzipped: Buffer) => {
  const headers = { 'content-type': 'application/json; charset=UTF-8', vary: 'Accept-Encoding' };
  const response = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')
    ? c.body(new Uint8Array(gzipped), 200, { ...headers, 'content-encoding': 'gzip' })
    : c.body(gunzipSync(gzipped).toString('utf8'), 200, headers);
  return response as unknown as TypedResponse<T, 200, 'json'>;
};

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
    const full = { ...command, actor: c.get('principal') } as ProjectCommand;
    await refuseAcrossShares(deps, cycleId, full);
    const view = await runCommand(deps.client, cycleId, ref, full);
    return c.json(view, 200);
  };
  const readBoard = async (c: Context<AppEnv>, cycle?: string) => {
    requireAction(c.get('principal'), 'readBoard');
    return deps.views.get(`board:${cycle ?? ''}`, () => board(deps.db, cycle));
  };

  return newRouter()
    .openapi(routes.inbox, async (c) => {
      const { unit, cycle } = c.req.valid('query');
      const forUnit = inboxUnit(c.get('principal'), unit);
      return cachedJson(
        c,
        await deps.views.gzippedJson(`inbox:${forUnit}:${cycle ?? ''}`, () => inbox(deps.db, forUnit, cycle)),
      );
    })
    .openapi(routes.board, async (c) => {
      const { cycle } = c.req.valid('query');
      requireAction(c.get('principal'), 'readBoard');
      return cachedJson(c, await deps.views.gzippedJson(`board:${cycle ?? ''}`, () => board(deps.db, cycle)));
    })
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
    .openapi(routes.submit, async (c) => {
      const { cycleId, ref, source, values, evidence } = c.req.valid('json');
      requireAction(c.get('principal'), 'submit');
      const projectId = ref.split('/')[0]!;
      await assertCitable(deps.db, c.get('principal'), { cycleId, projectId }, evidence);
      const narrative = withDataSource(c.req.valid('json').narrative, source);
      // A co-unit's assignment id names its unit (…/co:<unit>); anything else is the lead's milestone.
      const command = ref.includes('/co:')
        ? { type: 'submitContribution' as const, assignmentId: ref, narrative, values, evidence }
        : { type: 'submitReport' as const, milestoneId: ref, narrative, values, evidence };
      await requireDataSourceOf(deps.db, cycleId, projectId, command);
      return send(c, 'submit', cycleId, ref, command);
    })
    .openapi(routes.progress, async (c) => {
      const { cycleId, ref, narrative, values, evidence } = c.req.valid('json');
      requireAction(c.get('principal'), 'submit');
      await assertCitable(deps.db, c.get('principal'), { cycleId, projectId: ref.split('/')[0]! }, evidence);
      return send(c, 'submit', cycleId, ref, {
        type: 'submitProgress',
        periodId: ref,
        narrative,
        values,
        evidence,
      });
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
      // The unit reworks from the comment: without one the domain's refusal names a field, not the reason.
      requireAction(c.get('principal'), 'return');
      if (!b.comment.trim()) throw new ApiError(400, 'invalid_command', '退回重办须填写审核意见');
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
    })
    .openapi(routes.periods, async (c) => {
      const { unit, cycle } = c.req.valid('query');
      const forUnit = inboxUnit(c.get('principal'), unit);
      return c.json(
        await deps.views.get(`periods:${forUnit}:${cycle ?? ''}`, () => periodInbox(deps.db, forUnit, cycle)),
        200,
      );
    })
    .openapi(routes.closures, async (c) => {
      const { unit, cycle } = c.req.valid('query');
      const forUnit = inboxUnit(c.get('principal'), unit);
      return c.json(
        await deps.views.get(`closures:${forUnit}:${cycle ?? ''}`, () =>
          closureInbox(deps.db, forUnit, cycle),
        ),
        200,
      );
    })
    .openapi(routes.requestClosure, async (c) => {
      const { cycleId, itemId, narrative, evidence } = c.req.valid('json');
      requireAction(c.get('principal'), 'requestClosure');
      await assertCitable(deps.db, c.get('principal'), { cycleId, projectId: itemId }, evidence);
      return send(c, 'requestClosure', cycleId, itemId, { type: 'requestClosure', narrative, evidence });
    })
    .openapi(routes.decideClosure, (c) => {
      const { cycleId, itemId, ...b } = c.req.valid('json');
      return send(c, 'decideClosure', cycleId, itemId, { type: 'decideClosure', ...b });
    });
}
