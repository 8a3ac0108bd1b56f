import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../http/deps';
import { requireAction } from '../../app/authorize';
import { jsonBody, jsonOk, newRouter, security } from '../openapi';
import { carryOver, closeOut, issueRectifications, rectificationNotice } from '../../app/rectifications';
import { rectificationMilestoneId, rectificationStatusLabel } from '../../domain/rectification';
import { renderRectificationNoticeDocx } from '../../reports/documents/render-rectification-notice-docx';

/** A cycle's close-out for 督导处 (list, issue 整改通知, the notice as Word, carry-over) and auditors (read). */

const CycleParam = z.object({ cycleId: z.string().min(1).max(100) });
const CloseOutQuery = z.object({ lateDays: z.coerce.number().int().min(1).max(365).optional() });
const Shortfall = z
  .looseObject({
    rectificationId: z.string(),
    itemId: z.string(),
    title: z.string(),
    milestoneId: z.string(),
    unit: z.string(),
    reasons: z.array(z.string()),
    status: z.string().nullable(),
    statusLabel: z.string(),
  })
  .openapi('Shortfall');
const CloseOutView = z
  .object({ cycleId: z.string(), cycleName: z.string(), asOf: z.string(), shortfalls: z.array(Shortfall) })
  .openapi('CloseOut');
const IssueBody = z
  .object({
    deadline: z.string({ error: '请填写整改期限' }).max(20),
    documentNumber: z.string().trim().max(50).optional(),
    lateDays: z.number().int().min(1).max(365).optional(),
  })
  .openapi('IssueRectifications');
const Issued = z
  .object({ issued: z.array(z.string()), existing: z.array(z.string()) })
  .openapi('IssuedRectifications');
const NoticeQuery = z.object({
  deadline: z.string().max(20).optional(),
  documentNumber: z.string().max(50).optional(),
  issuer: z.string().max(50).optional(),
});
const CarryBody = z
  .object({ toCycleId: z.string().min(1).max(100), deadline: z.string().max(20).optional() })
  .openapi('CarryOver');
const Carried = z
  .object({ carried: z.array(z.object({ from: z.string(), to: z.string() })) })
  .openapi('CarriedRectifications');

const show = createRoute({
  method: 'get',
  path: '/api/cycles/{cycleId}/close-out',
  summary: '周期结束清单：未达标事项及原因、整改状态',
  security,
  request: { params: CycleParam, query: CloseOutQuery },
  responses: jsonOk(CloseOutView, '未达标事项'),
});
const issue = createRoute({
  method: 'post',
  path: '/api/cycles/{cycleId}/close-out',
  summary: '下发整改通知（督导处）',
  security,
  request: { params: CycleParam, ...jsonBody(IssueBody) },
  responses: jsonOk(Issued, '已下发'),
});
const notice = createRoute({
  method: 'get',
  path: '/api/cycles/{cycleId}/close-out/notice.docx',
  summary: '整改通知（Word 文档）',
  security,
  request: { params: CycleParam, query: NoticeQuery },
  responses: { 200: { description: '整改通知' } },
});
const carry = createRoute({
  method: 'post',
  path: '/api/cycles/{cycleId}/carry-over',
  summary: '把该周期未销号的整改结转到另一周期（督导处）',
  security,
  request: { params: CycleParam, ...jsonBody(CarryBody) },
  responses: jsonOk(Carried, '已结转'),
});

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export function rectificationRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(show, async (c) => {
      requireAction(c.get('principal'), 'readRectifications');
      const { cycleId } = c.req.valid('param');
      const out = await closeOut(deps.db, cycleId, c.req.valid('query'));
      return c.json(
        {
          cycleId: out.cycleId,
          cycleName: out.cycleName,
          asOf: out.asOf,
          shortfalls: out.shortfalls.map((s) => ({
            rectificationId: s.rectificationId,
            itemId: s.itemId,
            title: s.title,
            milestoneId: s.milestoneId,
            milestoneText: s.milestoneText,
            unit: s.unit,
            reasons: s.reasons,
            status: s.rectification?.status ?? null,
            statusLabel: s.rectification ? rectificationStatusLabel[s.rectification.status] : '未下发',
            dueAt: s.rectification?.due_at ?? null,
            reportRef: rectificationMilestoneId(s.rectificationId),
          })),
        },
        200,
      );
    })
    .openapi(issue, async (c) => {
      requireAction(c.get('principal'), 'issueRectifications');
      const { cycleId } = c.req.valid('param');
      const body = c.req.valid('json');
      const { issued, existing } = await issueRectifications(deps, c.get('principal'), cycleId, body);
      return c.json({ issued, existing }, 200);
    })
    .openapi(notice, async (c) => {
      requireAction(c.get('principal'), 'readRectifications');
      const { cycleId } = c.req.valid('param');
      const document = await rectificationNotice(deps.db, cycleId, c.req.valid('query'));
      const content = await renderRectificationNoticeDocx(document);
      return c.body(new Uint8Array(content), 200, {
        'content-type': DOCX,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`整改通知-${cycleId}.docx`)}`,
      });
    })
    .openapi(carry, async (c) => {
      requireAction(c.get('principal'), 'issueRectifications');
      const { cycleId } = c.req.valid('param');
      const { toCycleId, deadline } = c.req.valid('json');
      return c.json(await carryOver(deps, c.get('principal'), cycleId, toCycleId, { deadline }), 200);
    });
}
