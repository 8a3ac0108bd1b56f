import { promises as fs } from 'node:fs';
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../http/deps';
import { requireAction } from '../../app/authorize';
import { ApiError, forbidden, notFound } from '../../app/errors';
import { error, errors, jsonOk, newRouter, security } from '../openapi';
import {
  CycleIdParam,
  EvidenceRefBody,
  EvidenceUpload,
  ProjectParams,
  ReportParams,
  ReportQuery,
  Sha256Param,
  Timeline,
} from '../schemas';
import { timeline } from '../../app/audit';
import { evidencePath, unitMayReadEvidence, uploadEvidence } from '../../app/evidence';
import { clientIp } from '../../http/middleware';
import { buildReport } from '../../app/reports';
import { cycleWorkflowId, projectWorkflowId } from '../../workflows/ids';

const upload = createRoute({
  method: 'post',
  path: '/api/evidence',
  summary: '上传佐证材料（按 SHA-256 存储；限大小与类型）',
  security,
  request: { body: { content: { 'multipart/form-data': { schema: EvidenceUpload } }, required: true } },
  responses: {
    ...jsonOk(EvidenceRefBody, '已存储的佐证材料引用'),
    413: error('文件过大'),
    415: error('文件类型不支持'),
  },
});
const download = createRoute({
  method: 'get',
  path: '/api/evidence/{sha256}',
  summary: '下载佐证材料',
  security,
  request: { params: Sha256Param },
  responses: { 200: { description: '文件内容' }, ...errors },
});
const cycleTimeline = createRoute({
  method: 'get',
  path: '/api/timeline/cycles/{cycleId}',
  summary: '督导周期事件时间线及哈希链校验结论',
  security,
  request: { params: CycleIdParam },
  responses: jsonOk(Timeline, '时间线'),
});
const projectTimeline = createRoute({
  method: 'get',
  path: '/api/timeline/cycles/{cycleId}/projects/{itemId}',
  summary: '项目事件时间线及哈希链校验结论',
  security,
  request: { params: ProjectParams },
  responses: jsonOk(Timeline, '时间线'),
});
const report = createRoute({
  method: 'get',
  path: '/api/reports/{name}',
  summary: '下载报表（CSV、Excel 或 HTML）；考核通报和规划中期/终期评估另有 Word 公文（docx）',
  security,
  request: { params: ReportParams, query: ReportQuery },
  responses: {
    200: {
      description: '报表文件',
      content: {
        'text/csv': { schema: z.string() },
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
          schema: z.string().openapi({ format: 'binary' }),
        },
        'text/html': { schema: z.string() },
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
          schema: z.string().openapi({ format: 'binary' }),
        },
      },
    },
    ...errors,
  },
});

const attachment = (file: string) => `attachment; filename*=UTF-8''${encodeURIComponent(file)}`;

export function recordRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(upload, async (c) => {
      const principal = c.get('principal');
      requireAction(principal, 'uploadEvidence');
      const { file } = c.req.valid('form');
      // Who uploaded what: a unit may read back, and cite, its own uploads.
      const ref = await uploadEvidence(
        deps,
        { unit: principal.unit!, userId: principal.userId, ip: clientIp(c) },
        { name: file.name, type: file.type, bytes: Buffer.from(await file.arrayBuffer()) },
      );
      return c.json(ref, 200);
    })
    .openapi(download, async (c) => {
      const principal = c.get('principal');
      requireAction(principal, 'readEvidence');
      const { sha256 } = c.req.valid('param');
      const unitRole = principal.role === 'unit_staff' || principal.role === 'unit_head';
      if (unitRole && !(await unitMayReadEvidence(deps.db, principal.unit!, sha256)))
        throw forbidden(`该佐证材料不属于${principal.unit}承办的事项`);
      const bytes = await fs.readFile(evidencePath(deps.dataDir, sha256)).catch(() => {
        throw notFound('找不到该佐证材料');
      });
      // Served as a download, never rendered: uploaded content is not trusted as HTML.
      return c.body(new Uint8Array(bytes), 200, {
        'content-type': 'application/octet-stream',
        'content-disposition': attachment(`${sha256}`),
      });
    })
    .openapi(cycleTimeline, async (c) => {
      requireAction(c.get('principal'), 'readTimeline');
      const { cycleId } = c.req.valid('param');
      const t = await timeline(deps.client, deps.db, cycleWorkflowId(cycleId));
      if (t.events.length === 0) throw notFound(`找不到周期 ${cycleId} 的事件`);
      return c.json(t, 200);
    })
    .openapi(projectTimeline, async (c) => {
      requireAction(c.get('principal'), 'readTimeline');
      const { cycleId, itemId } = c.req.valid('param');
      const t = await timeline(deps.client, deps.db, projectWorkflowId(cycleWorkflowId(cycleId), itemId));
      if (t.events.length === 0) throw notFound(`找不到项目 ${itemId} 的事件`);
      return c.json(t, 200);
    })
    .openapi(report, async (c) => {
      requireAction(c.get('principal'), 'downloadReport');
      const { name } = c.req.valid('param');
      const { cycle, format, item, unit, stage, docNumber, issuer } = c.req.valid('query');
      if ((name === 'cycle' || name === 'assessment') && !cycle)
        throw new ApiError(400, 'invalid_command', '该报表需要指定督导周期（cycle）');
      const file = await buildReport(
        deps.db,
        name,
        cycle,
        format,
        { itemId: item, unit },
        { stage, documentNumber: docNumber, issuer },
      );
      return c.body(new Uint8Array(file.content), 200, {
        'content-type': file.contentType,
        'content-disposition': attachment(file.fileName),
      });
    });
}
