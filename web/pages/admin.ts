import type { User } from '../../app/identity/users';
import { roleLabel } from '../../domain/principal';
import { dateTime, html, type Html } from '../html';
import { actionForm } from './inspector';

export interface AdminPage {
  me: string;
  users: User[];
  units: string[];
  tokens: {
    id: number;
    username: string;
    label: string;
    created_at: Date;
    expires_at: Date | null;
    revoked_at: Date | null;
  }[];
  log: { id: string; at: Date; kind: string; username: string | null; ip: string | null; detail: unknown }[];
}

const ROLES = ['inspector', 'unit_staff', 'unit_head', 'auditor', 'admin'] as const;

/** Security record kinds as people read them. */
const kindText: Record<string, string> = {
  sign_in_succeeded: '登录成功',
  sign_in_failed: '登录失败',
  sign_in_throttled: '登录受限',
  signed_out: '退出登录',
  permission_denied: '越权被拒',
  user_created: '新建账号',
  user_disabled: '停用账号',
  user_enabled: '启用账号',
  user_updated: '修改账号',
  password_reset: '重置密码',
  token_created: '签发令牌',
  token_revoked: '吊销令牌',
  first_admin_created: '创建首个管理员',
  evidence_uploaded: '上传佐证材料',
  plan_imported: '导入规划',
};

const roleSelect = (selected: string) =>
  html`<select name="role" required>
    ${ROLES.map(
      (r) => html`<option value="${r}" ${r === selected ? html`selected` : ''}>${roleLabel[r]}</option>`,
    )}
  </select>`;
const unitSelect = (units: string[], selected: string | null) =>
  html`<select name="unit">
    <option value="">（无，督导处、审计、管理员不需要）</option>
    ${units.map((u) => html`<option value="${u}" ${u === selected ? html`selected` : ''}>${u}</option>`)}
  </select>`;

export function adminBody(p: AdminPage): Html {
  return html`<nav class="quick no-print" aria-label="管理员入口">
      <a href="/board">督导看板（只读）</a> · <a href="/auditor">审计时间线与报表（只读）</a> ·
      <a href="/plans">导入规划</a>
    </nav>
    <p class="secret" data-secret role="status" aria-live="polite" hidden></p>
    <section id="users" data-live>
      <h2>账号（${p.users.length}）</h2>
      <details class="add" open>
        <summary>新建账号</summary>
        <form data-action="/api/admin/users" data-confirm="确认新建该账号？">
          <label>用户名 <input name="username" required autocomplete="off" /></label>
          <label>姓名 <input name="displayName" required autocomplete="off" /></label>
          <label>角色 ${roleSelect('unit_staff')}</label>
          <label>所属单位 ${unitSelect(p.units, null)}</label>
          <button type="submit">新建账号</button>
          <p class="form-result" data-form-result role="alert"></p>
        </form>
      </details>
      <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可横向滚动）">
        <table class="users">
          <thead>
            <tr>
              <th scope="col">用户名</th>
              <th scope="col">姓名</th>
              <th scope="col">角色与单位</th>
              <th scope="col">状态</th>
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody>
            ${p.users.map((u) => userRow(p, u))}
          </tbody>
        </table>
      </div>
    </section>
    <section id="tokens" data-live>
      <h2>接口令牌</h2>
      <form
        data-action="/api/admin/tokens"
        data-confirm="确认签发令牌？令牌只显示这一次。"
        class="inline-form"
      >
        <label
          >账号
          <select name="username" required>
            ${p.users.filter((u) => !u.disabled).map((u) => html`<option value="${u.username}">${u.username}</option>`)}
          </select></label
        >
        <label>用途 <input name="label" required placeholder="如：数据对接脚本" /></label>
        <label
          >有效天数（可选） <input name="expiresInDays" type="number" min="1" max="3650" data-type="number"
        /></label>
        <button type="submit">签发令牌</button>
        <p class="form-result" data-form-result role="alert"></p>
      </form>
      ${
        p.tokens.length === 0
          ? html`<p class="empty">暂无令牌。</p>`
          : html`<div class="table-wrap" tabindex="0" role="region" aria-label="表格（可横向滚动）">
              <table>
                <thead>
                  <tr>
                    <th scope="col">编号</th>
                    <th scope="col">账号</th>
                    <th scope="col">用途</th>
                    <th scope="col">签发时间</th>
                    <th scope="col">到期</th>
                    <th scope="col">状态</th>
                  </tr>
                </thead>
                <tbody>
                  ${p.tokens.map(
                    (t) =>
                      html`<tr data-token="${t.id}">
                        <td>${t.id}</td>
                        <td>${t.username}</td>
                        <td>${t.label}</td>
                        <td>${dateTime(t.created_at.toISOString())}</td>
                        <td>${t.expires_at ? dateTime(t.expires_at.toISOString()) : '长期'}</td>
                        <td>
                          ${
                            t.revoked_at
                              ? `已吊销（${dateTime(t.revoked_at.toISOString())}）`
                              : actionForm(
                                  `/api/admin/tokens/${t.id}/revoke`,
                                  `确认吊销令牌 ${t.id}（${t.label}）？使用它的脚本将立即失效。`,
                                  html`<button type="submit" class="danger">吊销</button>`,
                                  'inline',
                                )
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
    </section>
    <section id="security-log" data-live>
      <h2>安全日志（最近 ${p.log.length} 条）</h2>
      <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可横向滚动）">
        <table>
          <thead>
            <tr>
              <th scope="col">时间</th>
              <th scope="col">事件</th>
              <th scope="col">账号</th>
              <th scope="col">地址</th>
              <th scope="col">详情</th>
            </tr>
          </thead>
          <tbody>
            ${p.log.map(
              (e) =>
                html`<tr data-security="${e.kind}">
                  <td class="nowrap">${dateTime(e.at.toISOString())}</td>
                  <td>${kindText[e.kind] ?? e.kind}</td>
                  <td>${e.username ?? '—'}</td>
                  <td>${e.ip ?? '—'}</td>
                  <td><small>${detailText(e.detail)}</small></td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
}

function userRow(p: AdminPage, u: User): Html {
  const self = u.username === p.me;
  const base = `/api/admin/users/${encodeURIComponent(u.username)}`;
  return html`<tr data-user="${u.username}" class="${u.disabled ? 'disabled' : ''}">
    <td>${u.username}</td>
    <td>${u.displayName}</td>
    <td>
      ${actionForm(
        `${base}/update`,
        `确认修改 ${u.username} 的角色和单位？其当前登录将失效。`,
        html`<label class="compact">角色 ${roleSelect(u.role)}</label>
          <label class="compact">单位 ${unitSelect(p.units, u.unit)}</label>
          <button type="submit" class="secondary">保存</button>`,
        'row-form',
      )}
    </td>
    <td>${u.disabled ? '已停用' : '正常'}</td>
    <td>
      ${actionForm(
        `${base}/reset-password`,
        `确认重置 ${u.username} 的密码？新密码只显示这一次。`,
        html`<button type="submit" class="secondary">重置密码</button>`,
        'inline',
      )}
      ${
        self
          ? ''
          : u.disabled
            ? actionForm(
                `${base}/enable`,
                `确认启用 ${u.username}？`,
                html`<button type="submit">启用</button>`,
                'inline',
              )
            : actionForm(
                `${base}/disable`,
                `确认停用 ${u.username}？其登录和令牌将立即失效。`,
                html`<button type="submit" class="danger">停用</button>`,
                'inline',
              )
      }
    </td>
  </tr>`;
}

/** A record's detail (`{ by, role, … }`) in a line. */
function detailText(detail: unknown): string {
  if (!detail || typeof detail !== 'object') return '';
  const labels: Record<string, string> = {
    by: '操作人',
    role: '角色',
    unit: '单位',
    tokenId: '令牌',
    label: '用途',
    path: '路径',
    method: '方法',
    message: '原因',
    code: '代码',
    name: '文件名',
  };
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(
      ([k, v]) =>
        `${labels[k] ?? k}：${k === 'role' ? (roleLabel[v as keyof typeof roleLabel] ?? v) : String(v)}`,
    )
    .join('；');
}
