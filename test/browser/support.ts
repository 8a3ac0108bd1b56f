import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PASSWORD } from '../support/api';

/** Debian's chromium: no browser is ever downloaded. */
const CHROMIUM = process.env.DUDAO_CHROMIUM ?? '/usr/bin/chromium';
export const screenshots = path.join(__dirname, '..', '..', 'artifacts', 'screenshots');

/** The two screens every journey runs on: an office desktop and a phone. */
export const WIDTHS = [
  { name: 'desktop', width: 1400, height: 1000 },
  { name: 'phone', width: 390, height: 844 },
] as const;
export type Width = (typeof WIDTHS)[number];

export function launch(): Promise<Browser> {
  fs.mkdirSync(screenshots, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A person at a screen: what went wrong in the page is collected, confirmations are accepted. */
export interface Person {
  page: Page;
  /** Script errors and unexpected failed requests (refusals the journey provokes are expected). */
  problems: string[];
  close(): Promise<void>;
}

export async function signIn(browser: Browser, base: string, username: string, w: Width): Promise<Person> {
  // An English browser, as the reader had: the page must still be Chinese throughout.
  const context = await browser.newContext({
    viewport: { width: w.width, height: w.height },
    locale: 'en-US',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`${username}: ${e.message}`));
  page.on('response', (r) => {
    // 400/409 answers are refusals the journey provokes and then reads in the page.
    if (r.status() >= 500 || r.status() === 404 || r.status() === 403)
      problems.push(`${username}: ${r.status()} ${r.url()}`);
  });
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${base}/`);
  await page.waitForURL(/\/signin$/);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form[data-signin] button');
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
  return { page, problems, close: () => context.close() };
}

/** A full-page screenshot named by role, width and step; layout settles before the next action. */
export async function shot(page: Page, role: string, w: Width, step: string): Promise<string> {
  const file = path.join(screenshots, `${role}-${w.width}-${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  return file;
}

/** Serious or critical accessibility violations on the page as it is now (WCAG 2 A/AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * Elements that reach past the right edge of the screen (tables scroll inside their own box, so
 * what is inside one does not count): empty when the page fits.
 */
export const overflowing = (page: Page): Promise<string[]> =>
  page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('.table-wrap')) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1)
        out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' ' + Math.round(r.right));
    }
    const wider = document.documentElement.scrollWidth - width;
    if (wider > 0) out.push('document wider than the screen by ' + wider);
    return out.slice(0, 8);
  })()`);

/** English a person could read on the page: statuses, ids or browser defaults left untranslated. */
export async function englishWords(page: Page): Promise<string[]> {
  const text = await page.evaluate<string>('document.body.innerText');
  const words = [
    'active',
    'closed',
    'suspended',
    'cancelled',
    'submitted',
    'returned',
    'approved',
    'assigned',
    'progress',
    'met',
    'missed',
    'pending',
    'Choose Files',
    'No file chosen',
    'RUNNING',
    'COMPLETED',
    'undefined',
    'null',
  ];
  return words.filter((w) => new RegExp(`(^|[^A-Za-z])${w}([^A-Za-z]|$)`).test(text));
}

/** What every page must be: Chinese, within the screen, no serious accessibility violation. */
export async function looksRight(page: Page): Promise<void> {
  await expect(englishWords(page)).resolves.toEqual([]);
  await expect(seriousViolations(page)).resolves.toEqual([]);
  await expect(overflowing(page)).resolves.toEqual([]);
}

/** The page's status line reports the action done. */
export const flashOk = (page: Page): Promise<void> => page.locator('[data-flash].ok').waitFor();
