import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../http/deps';
import { inboxUnit } from '../../app/authorize';
import { jsonBody, jsonOk, newRouter, security } from '../openapi';
import { dispatchSubAssignment } from '../../app/dispatch';
import { dispatchReviewQueue, dispatchView } from '../../app/dispatch-views';
import { withdrawShare } from '../../app/dispatch-rules';
import { DispatchInput } from '../../domain/dispatch';
import { ProjectState } from '../schemas';

/**
 * 多级下发: a unit dispatches a share of a milestone it holds to a body below it (and withdraws it), reads the shares
 * of an item (its own dispatches and theirs; 督导处 and auditors every share), and the reports of
 * its shares waiting for its review.
 */

const Dispatched = z
  .object({
    subAssignmentId: z.string(),
    workflowId: z.string(),
    deadline: z.string(),
    milestoneId: z.string(),
  })
  .openapi('Dispatched');
const Share = z
  .looseObject({
    subAssignmentId: z.string(),
    milestoneId: z.string(),
    body: z.string(),
    dueAt: z.string(),
    phase: z.string(),
    rag: z.enum(['red', 'amber', 'green']),
    reason: z.string(),
    /** The shares the body dispatched further, each of this shape. */
    children: z.unknown(),
  })
  .openapi('Share');
const DispatchViewSchema = z
  .looseObject({
    cycleId: z.string(),
    projectId: z.string(),
    title: z.string(),
    rag: z.enum(['red', 'amber', 'green']),
    ragReason: z.string(),
    milestones: z.array(
      z.looseObject({
        milestoneId: z.string(),
        rag: z.enum(['red', 'amber', 'green']),
        reason: z.string(),
        sums: z.array(z.object({ label: z.string(), sum: z.number(), reporters: z.number() })),
        reported: z.number(),
        shares: z.array(Share),
      }),
    ),
  })
  .openapi('DispatchView');
const WithdrawBody = z
  .object({
    subAssignmentId: z.string().min(1).max(100),
    reason: z.string().trim().min(1, '请填写撤回原因').max(2000),
  })
  .openapi('WithdrawShare');
const ItemParams = z.object({ cycleId: z.string().min(1).max(100), itemId: z.string().min(1).max(100) });
const UnitQuery = z.object({ unit: z.string().max(100).optional() });

const dispatch = createRoute({
  method: 'post',
  path: '/api/actions/dispatch',
  summary: '下发：把本单位承办的节点分解下发给下级单位（期限早于上级期限）',
  security,
  request: jsonBody(DispatchInput),
  responses: jsonOk(Dispatched, '已下发'),
});
const withdraw = createRoute({
  method: 'post',
  path: '/api/actions/withdraw',
  summary: '撤回下发：下发单位撤回给下级单位的任务（下级单位已继续下发的，须先由其撤回）',
  security,
  request: jsonBody(WithdrawBody),
  responses: jsonOk(ProjectState, '撤回后的下发事项'),
});
const show = createRoute({
  method: 'get',
  path: '/api/dispatch/{cycleId}/{itemId}',
  summary: '事项的下发情况：各下级单位的期限、状态灯（逐级汇总）、报送值及合计',
  security,
  request: { params: ItemParams },
  responses: jsonOk(DispatchViewSchema, '下发情况'),
});
const reviews = createRoute({
  method: 'get',
  path: '/api/dispatch-reviews',
  summary: '待本单位审核的下级单位报告（单位人员看本单位；督导处可指定单位）',
  security,
  request: { query: UnitQuery },
  responses: jsonOk(z.array(z.looseObject({ subAssignmentId: z.string(), body: z.string() })), '待审核'),
});

export function dispatchRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(dispatch, async (c) => {
      // The use case checks the role, then that the actor's unit holds the milestone.
      return c.json(await dispatchSubAssignment(deps, c.get('principal'), c.req.valid('json')), 200);
    })
    .openapi(withdraw, async (c) => {
      const { subAssignmentId, reason } = c.req.valid('json');
      return c.json(await withdrawShare(deps, c.get('principal'), subAssignmentId, reason), 200);
    })
    .openapi(show, async (c) => {
      const { cycleId, itemId } = c.req.valid('param');
      return c.json(await dispatchView(deps.db, c.get('principal'), cycleId, itemId), 200);
    })
    .openapi(reviews, async (c) => {
      const unit = inboxUnit(c.get('principal'), c.req.valid('query').unit);
      return c.json(await dispatchReviewQueue(deps.db, unit), 200);
    });
}
