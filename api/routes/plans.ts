import { createRoute } from '@hono/zod-openapi';
import type { ApiDeps } from '../../http/deps';
import { requireAction } from '../../app/authorize';
import { recordSecurityEvent } from '../../app/identity/audit';
import { error, jsonOk, newRouter, security } from '../openapi';
import { PlanImportBody, PlanImportUpload, PlanPreviewBody, PlanUpload } from '../schemas';
import { importUpload, previewUpload } from '../../app/plans';

const multipart = <T>(schema: T) => ({
  body: { content: { 'multipart/form-data': { schema } }, required: true },
});

const preview = createRoute({
  method: 'post',
  path: '/api/plans/preview',
  summary: '预览规划文件（.txt/.docx/.pdf/.xlsx/.csv）：条目、警告，以及与已导入版本的差异（督导处、管理员）',
  security,
  request: multipart(PlanUpload),
  responses: { ...jsonOk(PlanPreviewBody, '解析结果与差异'), 413: error('文件过大') },
});
const confirm = createRoute({
  method: 'post',
  path: '/api/plans/import',
  summary: '确认导入预览过的规划文件（须带预览时的 contentHash；督导处、管理员）',
  security,
  request: multipart(PlanImportUpload),
  responses: { ...jsonOk(PlanImportBody, '导入结果'), 413: error('文件过大') },
});

export function planRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(preview, async (c) => {
      requireAction(c.get('principal'), 'importPlan');
      const p = await previewUpload(deps, c.req.valid('form').file);
      return c.json(
        {
          fileName: p.fileName,
          contentHash: p.contentHash,
          status: p.status,
          planId: p.planId,
          version: p.version,
          plan: p.plan,
          diff: p.diff,
        },
        200,
      );
    })
    .openapi(confirm, async (c) => {
      const principal = c.get('principal');
      requireAction(principal, 'importPlan');
      const { file, contentHash } = c.req.valid('form');
      const { parsed, result } = await importUpload(deps, file, contentHash);
      await recordSecurityEvent(deps.db, 'plan_imported', {
        username: principal.userId,
        detail: {
          planId: result.planId,
          version: result.version,
          status: result.status,
          file: parsed.fileName,
        },
      });
      return c.json(
        {
          status: result.status,
          planId: result.planId,
          version: result.version,
          itemCount: parsed.plan.items.length,
          warningCount: parsed.plan.warnings.length,
          diff: result.status === 'created' ? result.diff : null,
        },
        200,
      );
    });
}
