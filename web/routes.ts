import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono, type Context } from 'hono';
import type { ApiDeps, AppEnv } from '../api/deps';
import { authenticate } from '../api/middleware';
import { escalations, reviewQueue } from '../api/routes/work';
import { timeline } from '../api/services/audit';
import { listCycles, showCycle } from '../api/services/cycles';
import { board, inbox } from '../api/services/projects';
import { loadPlanVersion } from '../seeds/import';
import { cycleWorkflowId } from '../cli/commands/cycle';
import { projectWorkflowId } from '../workflows/cycle';
import { html } from './html';
import { page } from './layout';
import { auditorBody } from './pages/auditor';
import { inspectorBody } from './pages/inspector';
import { unitBody } from './pages/unit';

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

  pages.get('/inspector', async (c) => {
    if (c.get('principal').role !== 'inspector') return denied(c);
    const { cycles, cycleId } = await pickCycle(c);
    const rows = cycleId ? await board(deps.client, [cycleId]) : [];
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
      '督导处工作台',
      inspectorBody({
        cycles,
        cycleId,
        plan,
        board: rows,
        queue: reviewQueue(rows),
        escalations: escalations(rows),
      }),
    );
  });

  pages.get('/unit', async (c) => {
    const p = c.get('principal');
    if (p.role !== 'unit_staff' && p.role !== 'unit_head') return denied(c);
    const { cycles } = await pickCycle(c);
    const cycleId = c.req.query('cycle') ?? null;
    return render(
      c,
      '单位待办',
      unitBody(
        p.unit!,
        cycles,
        cycleId,
        await inbox(
          deps.client,
          p.unit!,
          cycleId ? [cycleId] : cycles.filter((x) => x.status === 'RUNNING').map((x) => x.cycleId),
        ),
      ),
    );
  });

  pages.get('/auditor', async (c) => {
    const role = c.get('principal').role;
    if (role !== 'auditor' && role !== 'inspector') return denied(c);
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

  pages.get('/admin', (c) =>
    c.get('principal').role !== 'admin'
      ? denied(c)
      : render(
          c,
          '管理员',
          html`<p>
            账号管理在命令行进行：<code>dudao user add</code>、<code>dudao user list</code>、<code
              >dudao user disable</code
            >、<code>dudao token create</code>、<code>dudao token revoke</code>。
          </p>`,
        ),
  );
  app.route('/', pages);
  return app;
}
