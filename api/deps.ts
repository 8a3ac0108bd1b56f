import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Principal } from '../domain/principal';
import type { User } from './identity/users';

/** What the HTTP server needs from the stack it runs in. */
export interface ApiDeps {
  db: Kysely<Database>;
  client: Client;
  taskQueue: string;
  log: (line: string) => void;
  /** Where uploaded evidence is stored (`<dataDir>/evidence/<sha256>`). */
  dataDir: string;
}

export const defaultDataDir = (): string => path.resolve(process.env.DUDAO_DATA_DIR ?? '.data');

/** Per-request values: who is acting and how they proved it. */
export type AppEnv = {
  Variables: {
    user: User;
    principal: Principal;
    /** Set for cookie sessions only: token-authenticated scripts are not exposed to CSRF. */
    csrfToken: string | null;
  };
};
