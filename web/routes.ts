import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono, type Context } from 'hono';
import type { ApiDeps, AppEnv } from '../http/deps';
import { authenticate } from '../http/middleware';
import { streamSSE } from 'hono/streaming';
import { checkCycle, cycleBundleArchive, timeline } from '../app/audit';
import { listCycles, showCycle } from '../app/cycles';
import { closureInbox, cycleBoard, escalations, inbox, periodInbox, reviewQueue } from '../app/views';
import { instructionsAt, listInstructions } from '../app/instructions';
import { instructionsBody } from './pages/instructions';
import { projectHandle, projectView } from '../app/projects';
import { listPlanVersions, loadPlanVersion } from '../seeds/import';
import { previewUpload } from '../app/plans';
import { may } from '../app/authorize';
import { ApiError } from '../app/errors';
import { cycleWorkflowId, projectWorkflowId } from '../workflows/ids';
import { html } from './html';
import { page } from './layout';
import { auditorBody, cycleCheckVerdict } from './pages/auditor';
import { inspectorBody } from './pages/inspector';
import { closeOutBody } from './pages/close-out';
import { closeOut, listRectifications } from '../app/rectifications';
import { RectificationRejected } from '../domain/rectification';
import { noticeBody, unitBody } from './pages/unit';
import { noticesOf, openNotice } from '../app/notices';
import { recordSecurityEvent } from '../app/identity/audit';
import { planPreview, plansBody } from './pages/plans';
import { projectBody } from './pages/project';
import { adminBody } from './pages/admin';
import { listUsers } from '../app/identity/users';
import { listApiTokens } from '../app/identity/tokens';
import { planUnits, securityLog } from '../app/identity/accounts';
import { accountUnits, subordinateBodies } from '../app/units';
import { dispatchReviewQueue, outstandingShares } from '../app/dispatch-views';

/** The one script and stylesheet, read once; from dist/web they are found in the source tree. */
function asset(name: string): string {
  for (const dir of [path.join(__dirname, 'static'), path.join(__dirname, '..', '..', 'web', 'static')]) {
    try {
      return readFileSync(path.join(dir, name), 'utf8');
    } catch {
      // try the next location
    }
  }
  throw new Error(`web asset ${name} not found`);
}

const homeOf = {
  inspector: '/inspector',
  unit_staff: '/unit',
  unit_head: '/unit',
  auditor: '/auditor',
  admin: '/admin',
};

export function webRoutes(deps: ApiDeps) {
  const script = asset('app.js');
  const style = asset('app.css');
  const app = new Hono<AppEnv>();
  app.get('/static/app.js', (c) =>
    c.body(script, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  app.get('/static/app.css', (c) =>
    c.body(style, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  // Browsers ask for it on every page; there is none, and a 404 would clutter their consoles.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/signin', (c) =>
    c.html(
      page(
        '登录',
        null,
        null,
        html`<form data-signin class="signin">
          <label>用户名 <input name="username" autocomplete="username" required /></label>
          <label
            >密码 <input name="password" type="password" autocomplete="current-password" required
          /></label>
          <button type="submit">登录</button>
        </form>`,
      ),
    ),
  );

  const pages = new Hono<AppEnv>();
  pages.use(authenticate(deps, (c) => c.redirect('/signin')));
  pages.get('/', (c) => c.redirect(homeOf[c.get('user').role]));
  const render = (c: Context<AppEnv>, title: string, body: ReturnType<typeof html>) =>
    c.html(page(title, c.get('user'), c.get('csrfToken'), body));
  const denied = (c: Context<AppEnv>) =>
    c.html(
      page(
        '无权访问',
        c.get('user'),
        c.get('csrfToken'),
        html`<p>当前账号无权访问此页面。<a href="/">返回</a></p>`,
      ),
      403,
    );
  const pickCycle = async (c: Context<AppEnv>) => {
    const cycles = await listCycles(deps.client, deps.taskQueue);
    const requested = c.req.query('cycle');
    const cycleId =
      requested ?? cycles.find((x) => x.status === 'RUNNING')?.cycleId ?? cycles[0]?.cycleId ?? null;
    return { cycles, cycleId };
  };

  const boardPage = async (c: Context<AppEnv>, readOnly: boolean) => {
    const { cycles, cycleId } = await pickCycle(c);
    // The board of a cycle, finished projects included, from the read models (shared by polls).
    const rows = cycleId
      ? await deps.views.get(`cycle-board:${cycleId}`, () => cycleBoard(deps.db, cycleId))
      : [];
    const plan = await loadPlanVersion(deps.db)
      .then(({ planId, version, plan }) => ({
        planId,
        version,
        title: plan.title,
        items: plan.items,
        units: [...new Set(plan.items.flatMap((i) => i.units))],
      }))
      .catch(() => null);
    return render(
      c,
      readOnly ? '督导看板（只读）' : '督导处工作台',
      inspectorBody({
        cycles,
        cycleId,
        plan,
        board: rows,
        queue: reviewQueue(rows),
        escalations: escalations(rows),
        readOnly,
      }),
    );
  };
  pages.get('/inspector', (c) => (c.get('principal').role !== 'inspector' ? denied(c) : boardPage(c, false)));
  pages.get('/inspector/close-out', async (c) => {
    if (c.get('principal').role !== 'inspector') return denied(c);
    const { cycles, cycleId } = await pickCycle(c);
    const out = cycleId
      ? await closeOut(deps.db, cycleId).catch((err: unknown) => {
          if (err instanceof RectificationRejected) return { refused: err.message };
          throw err;
        })
      : null;
    const carriedIn = cycleId
      ? (await listRectifications(deps.db, { contextCycleId: cycleId })).filter(
          (r) => r.carried_from !== null,
        )
      : [];
    return render(c, '周期结束清单与整改', closeOutBody({ cycles, cycleId, closeOut: out, carriedIn }));
  });
  // The administrator and the auditor look at the same board without its forms.
  pages.get('/board', (c) => {
    const role = c.get('principal').role;
    if (role === 'inspector') return c.redirect(c.req.url.replace('/board', '/inspector'));
    return role === 'admin' || role === 'auditor' ? boardPage(c, true) : denied(c);
  });

  pages.get('/projects/:cycleId/:itemId', async (c) => {
    const p = c.get('principal');
    const { cycleId, itemId } = c.req.param();
    let view;
    try {
      view = await projectView(deps.client, p, cycleId, itemId);
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 403 && err.status !== 404)) throw err;
      return c.html(
        page(
          '项目详情',
          c.get('user'),
          c.get('csrfToken'),
          html`<p>${err.message}。<a href="/">返回</a></p>`,
        ),
        err.status,
      );
    }
    const t = may(p, 'readTimeline')
      ? await timeline(deps.client, deps.db, projectHandle(deps.client, cycleId, itemId).workflowId)
      : null;
    const back =
      p.role === 'inspector'
        ? `/inspector?cycle=${encodeURIComponent(cycleId)}`
        : p.role === 'admin' || p.role === 'auditor'
          ? `/board?cycle=${encodeURIComponent(cycleId)}`
          : '/unit';
    return render(
      c,
      '项目详情',
      projectBody({
        view,
        canAct: p.role === 'inspector',
        units: await planUnits(deps.db),
        timeline: t,
        back,
      }),
    );
  });

  pages.get('/instructions', async (c) => {
    const p = c.get('principal');
    if (!may(p, 'readInstructions')) return denied(c);
    const [rows, at, units, cycles] = await Promise.all([
      listInstructions(deps.db),
      instructionsAt(deps.db),
      planUnits(deps.db),
      listCycles(deps.client, deps.taskQueue),
    ]);
    const runningCycles = cycles.filter((x) => x.status === 'RUNNING').map((x) => x.cycleId);
    return render(
      c,
      '领导批示',
      instructionsBody({ rows, at, units, runningCycles, canAdd: may(p, 'addInstruction') }),
    );
  });

  pages.get('/unit', async (c) => {
    const p = c.get('principal');
    if (p.role !== 'unit_staff' && p.role !== 'unit_head') return denied(c);
    const { cycles } = await pickCycle(c);
    const cycleId = c.req.query('cycle') ?? null;
    const unit = p.unit!;
    const [key, scope] = [cycleId ?? '', cycleId ?? undefined];
    return render(
      c,
      '单位待办',
      unitBody({
        unit,
        cycles,
        cycleId,
        items: await deps.views.get(`inbox:${unit}:${key}`, () => inbox(deps.db, unit, scope)),
        periods: await deps.views.get(`periods:${unit}:${key}`, () => periodInbox(deps.db, unit, scope)),
        closures: await deps.views.get(`closures:${unit}:${key}`, () => closureInbox(deps.db, unit, scope)),
        notices: await noticesOf(deps.db, unit),
        dispatch: {
          bodies: await subordinateBodies(deps.db, unit),
          reviews: await dispatchReviewQueue(deps.db, unit),
          outstanding: await outstandingShares(deps.db, unit),
        },
      }),
    );
  });

  // The link in every DingTalk/WeCom/e-mail notice: opening it here is the unit's read receipt.
  pages.get('/unit/notices/:id', async (c) => {
    const p = c.get('principal');
    try {
      return render(c, '通知', noticeBody(await openNotice(deps.db, p, c.req.param('id'), 'web')));
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 403 && err.status !== 404)) throw err;
      if (err.status === 403)
        await recordSecurityEvent(deps.db, 'permission_denied', {
          username: c.get('user').username,
          detail: { method: 'GET', path: c.req.path, code: err.code, message: err.message },
        });
      return c.html(
        page('通知', c.get('user'), c.get('csrfToken'), html`<p>${err.message}。<a href="/">返回</a></p>`),
        err.status,
      );
    }
  });

  const auditing = (c: Context<AppEnv>) =>
    ['auditor', 'inspector', 'admin'].includes(c.get('principal').role);
  const auditedCycle = (c: Context<AppEnv>): string => {
    const cycleId = c.req.query('cycle');
    if (!cycleId) throw new ApiError(400, 'invalid_command', '请先选择一个督导周期');
    return cycleId;
  };

  // A whole cycle checked from the page: progress as Server-Sent Events, then the verdict's HTML.
  pages.get('/auditor/check', (c) => {
    if (!auditing(c)) return denied(c);
    const cycleId = auditedCycle(c);
    return streamSSE(c, async (stream) => {
      try {
        const check = await checkCycle(deps.client, deps.db, cycleId, (stage, done, total) => {
          void stream.writeSSE({ event: 'progress', data: JSON.stringify({ stage, done, total }) });
        });
        await stream.writeSSE({ event: 'verdict', data: cycleCheckVerdict(check).value });
      } catch (err) {
        await stream.writeSSE({
          event: 'failed',
          data: `核对未能完成（${err instanceof Error ? err.message : String(err)}）。请稍后重试，或在服务器上运行 dudao audit verify --cycle ${cycleId}。`,
        });
      }
    });
  });

  pages.get('/auditor/bundle', async (c) => {
    if (!auditing(c)) return denied(c);
    const { fileName, archive } = await cycleBundleArchive(deps.client, deps.db, auditedCycle(c));
    return c.body(new Uint8Array(archive), 200, {
      'Content-Type': 'application/gzip',
      'Content-Disposition': `attachment; filename="${fileName.replace(/[^\w.-]+/g, '_')}"`,
    });
  });

  pages.get('/auditor', async (c) => {
    if (!auditing(c)) return denied(c);
    const { cycles, cycleId } = await pickCycle(c);
    const itemId = c.req.query('item') ?? null;
    const cycle = cycleId ? await showCycle(deps.client, cycleId).catch(() => null) : null;
    const stream =
      cycleId && (itemId ? projectWorkflowId(cycleWorkflowId(cycleId), itemId) : cycleWorkflowId(cycleId));
    const t = stream ? await timeline(deps.client, deps.db, stream) : null;
    return render(
      c,
      '审计：时间线与报表',
      auditorBody({
        cycles,
        cycleId,
        projects: cycle?.projects ?? [],
        itemId,
        timeline: t && {
          title: itemId ? `项目 ${itemId} 时间线` : `督导周期 ${cycleId} 时间线`,
          events: t.events,
          verdict: t.verdict,
        },
      }),
    );
  });

  pages.get('/plans', async (c) => {
    if (!may(c.get('principal'), 'importPlan')) return denied(c);
    return render(c, '导入规划', plansBody(await listPlanVersions(deps.db)));
  });

  // The preview as a server-rendered fragment the page inserts; errors answer as the API's { code, message }.
  pages.post('/plans/preview', async (c) => {
    if (!may(c.get('principal'), 'importPlan')) return denied(c);
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File)) throw new ApiError(400, 'invalid_command', '请选择要导入的规划文件');
    return c.html(planPreview(await previewUpload(deps, file)).value);
  });

  pages.get('/admin', async (c) => {
    if (c.get('principal').role !== 'admin') return denied(c);
    const [users, tokens, log, units] = await Promise.all([
      listUsers(deps.db),
      listApiTokens(deps.db),
      securityLog(deps.db, 100),
      accountUnits(deps.db),
    ]);
    return render(c, '系统管理', adminBody({ me: c.get('user').username, users, tokens, log, units }));
  });
  app.route('/', pages);
  return app;
}
