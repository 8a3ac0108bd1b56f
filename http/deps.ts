import path from 'node:path';
import type { AppDeps } from '../app/deps';
import type { ViewCache } from '../app/view-cache';
import type { Principal } from '../domain/principal';
import type { User } from '../app/identity/users';

/** What the HTTP routes work with: what the use cases need, and the polled views shared by sessions. */
export type ApiDeps = AppDeps & { views: ViewCache };

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
