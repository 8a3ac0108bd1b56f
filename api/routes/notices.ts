import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../http/deps';
import { inboxUnit } from '../../app/authorize';
import { jsonOk, newRouter, security } from '../openapi';
import { InboxQuery, Notice, NoticeParams } from '../schemas';
import { noticesOf, openNotice } from '../../app/notices';

const list = createRoute({
  method: 'get',
  path: '/api/notices',
  summary: '催办/督办通知（单位人员看本单位；督导处可指定单位），含首次查阅时间',
  security,
  request: { query: InboxQuery.pick({ unit: true }) },
  responses: jsonOk(z.array(Notice), '通知'),
});
const read = createRoute({
  method: 'post',
  path: '/api/notices/{id}/read',
  summary: '查阅通知（本单位人员）：记录查阅人和时间，首次查阅时间保持不变',
  security,
  request: { params: NoticeParams },
  responses: jsonOk(Notice, '通知（含首次查阅时间）'),
});

export function noticeRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(list, async (c) => {
      const unit = inboxUnit(c.get('principal'), c.req.valid('query').unit);
      return c.json(await noticesOf(deps.db, unit), 200);
    })
    .openapi(read, async (c) =>
      c.json(await openNotice(deps.db, c.get('principal'), c.req.valid('param').id, 'api'), 200),
    );
}
