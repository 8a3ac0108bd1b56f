import { roleLabel } from '../domain/principal';
import type { User } from '../app/identity/users';
import { html, type Html } from './html';

/** The page frame: no inline script or style (the CSP allows only this origin's files). */
export function page(title: string, user: User | null, csrfToken: string | null, body: Html): string {
  return html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${csrfToken ? html`<meta name="csrf-token" content="${csrfToken}" />` : ''}
        <title>${title} · 督导</title>
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/app.js" defer></script>
      </head>
      <body>
        <header class="top">
          <strong>督导 · 督查督办工作台</strong>
          ${
            user
              ? html`<span class="who"
                    >${user.displayName}（${roleLabel[user.role]}${user.unit ? ` · ${user.unit}` : ''}）</span
                  >
                  <button type="button" data-signout>退出登录</button>`
              : ''
          }
        </header>
        <main>
          <h1>${title}</h1>
          <p class="flash" data-flash role="status" aria-live="polite"></p>
          ${body}
        </main>
      </body>
    </html>`.value;
}

export const rag = (r: 'red' | 'amber' | 'green', label: string): Html =>
  html`<span class="rag rag-${r}" title="${label}">${label}</span>`;
