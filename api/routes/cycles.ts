import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../http/deps';
import { requireAction } from '../../app/authorize';
import { jsonBody, jsonOk, newRouter, security } from '../openapi';
import {
  CancelCycle,
  CycleIdParam,
  CycleRow,
  CycleState,
  ExtendCycle,
  PlanItemRow,
  PlanItemsQuery,
  PlanVersion,
  StartCycle,
  StartedCycle,
} from '../schemas';
import { cancel, extend, listCycles, showCycle, startCycle } from '../../app/cycles';
import { listPlanVersions, loadPlanVersion } from '../../seeds/import';
import { notFound } from '../../app/errors';

const plans = createRoute({
  method: 'get',
  path: '/api/plans',
  summary: '已导入的规划及版本',
  security,
  responses: jsonOk(z.array(PlanVersion), '规划版本'),
});
const planItems = createRoute({
  method: 'get',
  path: '/api/plans/{planId}/items',
  summary: '规划事项（可按版本、类型筛选）',
  security,
  request: { params: z.object({ planId: z.coerce.number().int() }), query: PlanItemsQuery },
  responses: jsonOk(z.array(PlanItemRow), '事项'),
});
const list = createRoute({
  method: 'get',
  path: '/api/cycles',
  summary: '督导周期列表',
  security,
  responses: jsonOk(z.array(CycleRow), '周期'),
});
const start = createRoute({
  method: 'post',
  path: '/api/cycles',
  summary: '发起督导周期（督导处）',
  security,
  request: jsonBody(StartCycle),
  responses: jsonOk(StartedCycle, '已发起'),
});
const show = createRoute({
  method: 'get',
  path: '/api/cycles/{cycleId}',
  summary: '督导周期状态',
  security,
  request: { params: CycleIdParam },
  responses: jsonOk(CycleState, '周期'),
});
const extendRoute = createRoute({
  method: 'post',
  path: '/api/cycles/{cycleId}/extend',
  summary: '延长督导周期（督导处）',
  security,
  request: { params: CycleIdParam, ...jsonBody(ExtendCycle) },
  responses: jsonOk(CycleState, '已延长'),
});
const cancelRoute = createRoute({
  method: 'post',
  path: '/api/cycles/{cycleId}/cancel',
  summary: '撤销督导周期（督导处）',
  security,
  request: { params: CycleIdParam, ...jsonBody(CancelCycle) },
  responses: jsonOk(CycleState, '已撤销'),
});

export function cycleRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(plans, async (c) => {
      requireAction(c.get('principal'), 'readPlans');
      return c.json(await listPlanVersions(deps.db), 200);
    })
    .openapi(planItems, async (c) => {
      requireAction(c.get('principal'), 'readPlans');
      const { planId } = c.req.valid('param');
      const { version, kind } = c.req.valid('query');
      const { plan } = await loadPlanVersion(deps.db, planId, version).catch(() => {
        throw notFound(`找不到规划 ${planId}${version ? ` 第 ${version} 版` : ''}`);
      });
      return c.json(
        plan.items.filter((i) => !kind || i.kind === kind),
        200,
      );
    })
    .openapi(list, async (c) => {
      requireAction(c.get('principal'), 'readCycles');
      return c.json(await listCycles(deps.client, deps.taskQueue), 200);
    })
    .openapi(start, async (c) => {
      requireAction(c.get('principal'), 'startCycle');
      return c.json(await startCycle(deps, c.get('principal'), c.req.valid('json')), 200);
    })
    .openapi(show, async (c) => {
      requireAction(c.get('principal'), 'readCycles');
      return c.json(await showCycle(deps.client, c.req.valid('param').cycleId), 200);
    })
    .openapi(extendRoute, async (c) => {
      requireAction(c.get('principal'), 'extendCycle');
      const { cycleId } = c.req.valid('param');
      return c.json(await extend(deps.client, c.get('principal'), cycleId, c.req.valid('json')), 200);
    })
    .openapi(cancelRoute, async (c) => {
      requireAction(c.get('principal'), 'cancelCycle');
      const { cycleId } = c.req.valid('param');
      return c.json(await cancel(deps, c.get('principal'), cycleId, c.req.valid('json').reason), 200);
    });
}
