import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ProjectCommand, ProjectCommandType } from '../domain/commands';
import type { ProjectView } from './view';
import type { ClockAnchor } from '../domain/clock';
import type { CycleWindow } from '../domain/events';
import type { Principal } from '../domain/principal';
import type { CycleSummary } from '../domain/cycle';

export type { ProjectView };

export const projectCommandTypes = [
  'acknowledge',
  'submitContribution',
  'submitReport',
  'submitProgress',
  'approve',
  'return',
  'requestExtension',
  'decideExtension',
  'requestClosure',
  'decideClosure',
  'reassign',
  'suspend',
  'resume',
  'cancel',
  'withdraw',
] as const satisfies readonly ProjectCommandType[];

/**
 * What an Update answers: the project's state once the action is recorded, and its clock. The
 * caller colours it at its own real time (`describeProject`), as it must anyway: inside the
 * workflow, `Date.now()` is the time of the task. Runs before 2026-12-01 answered the whole view,
 * which holds the same two fields.
 */
export type ProjectSnapshot = Pick<ProjectView, 'state' | 'clock'>;

/** One Update per human action, so the history names what was done. */
export const projectUpdates = Object.fromEntries(
  projectCommandTypes.map((t) => [t, defineUpdate<ProjectSnapshot, [ProjectCommand]>(t)]),
) as Record<ProjectCommandType, ReturnType<typeof defineUpdate<ProjectSnapshot, [ProjectCommand]>>>;

export const projectStateQuery = defineQuery<ProjectView>('state');
/**
 * From the cycle: its window moved (progress reports and the closing date follow). `at` is the
 * plan time the cycle decided it (absent from signals sent by cycles started before it existed).
 */
export const cycleWindowChanged =
  defineSignal<[{ window: CycleWindow; reason: string; at?: string }]>('cycleWindowChanged');
export const cycleCancelled =
  defineSignal<[{ reason: string; actor: Principal; at?: string }]>('cycleCancelled');

/**
 * The refusal code of an Update that arrived while the workflow was acting on something else in
 * the same workflow task (see `task-guard.ts`): nothing was recorded, send it again.
 */
export const BUSY = 'busy';

export type CycleView = {
  cycleId: string;
  name: string;
  status: 'running' | 'closing' | 'completed' | 'cancelled';
  window: CycleWindow;
  clock: ClockAnchor;
  now: string;
  projects: { projectId: string; workflowId: string; done: boolean }[];
  summary: CycleSummary | null;
};

export const cycleStateQuery = defineQuery<CycleView>('state');
/** `requestedAt` (real time the person acted) decides the plan time of the change. */
export type CycleExtension = { actor: Principal; window: CycleWindow; reason: string; requestedAt?: string };
export type CycleCancellation = { actor: Principal; reason: string; requestedAt?: string };
export const extendCycle = defineUpdate<CycleView, [CycleExtension]>('extend');
export const cancelCycle = defineUpdate<CycleView, [CycleCancellation]>('cancel');
