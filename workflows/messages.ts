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
  'approve',
  'return',
  'requestExtension',
  'decideExtension',
  'reassign',
  'suspend',
  'resume',
  'cancel',
] as const satisfies readonly ProjectCommandType[];

/** One Update per human action, so the history names what was done. */
export const projectUpdates = Object.fromEntries(
  projectCommandTypes.map((t) => [t, defineUpdate<ProjectView, [ProjectCommand]>(t)]),
) as Record<ProjectCommandType, ReturnType<typeof defineUpdate<ProjectView, [ProjectCommand]>>>;

export const projectStateQuery = defineQuery<ProjectView>('state');
/** From the cycle: its window moved (progress reports and the closing date follow). */
export const cycleWindowChanged =
  defineSignal<[{ window: CycleWindow; reason: string }]>('cycleWindowChanged');
export const cycleCancelled = defineSignal<[{ reason: string; actor: Principal }]>('cycleCancelled');

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
export const extendCycle = defineUpdate<
  CycleView,
  [{ actor: Principal; window: CycleWindow; reason: string }]
>('extend');
export const cancelCycle = defineUpdate<CycleView, [{ actor: Principal; reason: string }]>('cancel');
