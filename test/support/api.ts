import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { importPlan } from '../../seeds/import';
import { startWebServer } from '../../stack/web-server';
import { connectDatabase } from '../../db/connect';
import { createUser, type UserRole } from '../../app/identity/users';
import { freshDatabase, type TestDatabase } from './db';
import { startWorker, type TestStack } from './temporal';

export const PASSWORD = 'correct-horse-battery';

export interface ApiStack {
  t: TestDatabase;
  stack: TestStack;
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** A test database with the seed plan imported, a worker, and the web server on a free port. */
export async function startApiStack(): Promise<ApiStack> {
  const t = await freshDatabase();
  const seed = path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt');
  const parsed = parsePlanBytes(fs.readFileSync(seed));
  if (!parsed.ok) throw new Error(parsed.error);
  await importPlan(t.db, parsed.plan, parsed.text, 'seed.txt');
  const stack = await startWorker(t.db);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-api-'));
  // The web server runs as the web role, as in production: the API's tests exercise its grants.
  const web = connectDatabase(t.url, 5, 'web');
  const server = await startWebServer({
    db: web.db,
    client: stack.client,
    taskQueue: stack.taskQueue,
    port: 0,
    dataDir,
    log: process.env.DUDAO_TEST_API_LOG ? (l: string) => console.error(l) : () => undefined,
  });
  return {
    t,
    stack,
    url: server.url.replace(/\/$/, ''),
    dataDir,
    stop: async () => {
      await server.stop();
      await web.close();
      await stack.stop();
      await t.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const addUser = (db: Kysely<Database>, username: string, role: UserRole, unit: string | null = null) =>
  createUser(db, { username, displayName: username, role, unit, password: PASSWORD }, 'test');

/** A signed-in browser-like client: session cookie plus the CSRF header on writes. */
export class Session {
  constructor(
    private readonly base: string,
    readonly cookie: string,
    readonly csrf: string,
  ) {}

  static async signIn(base: string, username: string, password = PASSWORD): Promise<Session> {
    const res = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    return new Session(base, cookie, ((await res.json()) as { csrfToken: string }).csrfToken);
  }

  request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    return fetch(`${this.base}${url}`, {
      method,
      headers: {
        cookie: this.cookie,
        'x-csrf-token': this.csrf,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
  get = (url: string) => this.request('GET', url);
  post = (url: string, body: unknown) => this.request('POST', url, body);
  async json<T>(url: string): Promise<T> {
    const res = await this.get(url);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
}
