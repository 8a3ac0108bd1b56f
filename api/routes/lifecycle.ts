import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../http/deps';
import { requireAction, type Action } from '../../app/authorize';
import { jsonBody, jsonOk, newRouter, security } from '../openapi';
import { ProjectState } from '../schemas';
import { runCommand } from '../../app/projects';
import { followDown } from '../../app/dispatch-rules';

/**
 * 督导处 pauses, resumes or cancels one project's supervision; the workflow checks its state, and
 * the shares dispatched below the project follow.
 */
const LifecycleBody = z
  .object({
    cycleId: z.string().min(1).max(100),
    itemId: z.string().min(1).max(100),
    reason: z.string().trim().min(1, '请填写原因').max(2000),
  })
  .openapi('ProjectLifecycle');

const verbs = [
  { path: 'suspend', type: 'suspend', act: 'suspendProject', summary: '暂停项目督办（督导处）' },
  { path: 'resume', type: 'resume', act: 'resumeProject', summary: '恢复项目督办（督导处）' },
  { path: 'cancel-project', type: 'cancel', act: 'cancelProject', summary: '撤销项目督办（督导处）' },
] as const satisfies readonly { path: string; type: string; act: Action; summary: string }[];

export function lifecycleRoutes(deps: ApiDeps) {
  const router = newRouter();
  for (const v of verbs)
    router.openapi(
      createRoute({
        method: 'post',
        path: `/api/actions/${v.path}`,
        summary: v.summary,
        security,
        request: jsonBody(LifecycleBody),
        responses: jsonOk(ProjectState, '操作后的项目状态'),
      }),
      async (c) => {
        const { cycleId, itemId, reason } = c.req.valid('json');
        const actor = c.get('principal');
        requireAction(actor, v.act);
        const view = await runCommand(deps.client, cycleId, itemId, { type: v.type, reason, actor });
        await followDown(deps, actor, { cycleId, projectId: itemId }, v.type, reason);
        return c.json(view, 200);
      },
    );
  return router;
}
