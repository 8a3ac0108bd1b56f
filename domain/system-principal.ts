import type { Principal } from './principal';

/**
 * The engine itself, acting on its own (reminders, the ladder, closing): apart from the principal
 * schemas so that workflows reach it without evaluating zod (workflows/schemas.ts says why).
 */
export const SYSTEM: Principal = { userId: 'dudao', role: 'system', unit: null };
