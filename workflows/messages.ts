import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ProjectCommand, ProjectCommandType } from '../domain/commands';
import type { ProjectState } from '../domain/project';
import type { RagExplanation } from '../domain/rag';
import type { CycleWindow } from '../domain/events';
import type { Principal } from '../domain/principal';
import type { CycleSummary } from '../domain/cycle';

/** What a project's `state` query answers: the folded state and its colours at plan time `now`. */
export type ProjectView = {
  now: string;
  state: ProjectState;
  rag: RagExplanation;
  milestones: Record<string, RagExplanation>;
};

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
export const cycleWindowChanged = defineSignal<[{ window: CycleWindow; reason: string }]>('cycleWindowChanged');
export const cycleCancelled = defineSignal<[{ reason: string; actor: Principal }]>('cycleCancelled');

export type CycleView = {
  cycleId: string;
  name: string;
  status: 'running' | 'closing' | 'completed' | 'cancelled';
  window: CycleWindow;
  now: string;
  projects: { projectId: string; workflowId: string; done: boolean }[];
  summary: CycleSummary | null;
};

export const cycleStateQuery = defineQuery<CycleView>('state');
export const extendCycle = defineUpdate<CycleView, [{ actor: Principal; window: CycleWindow; reason: string }]>('extend');
export const cancelCycle = defineUpdate<CycleView, [{ actor: Principal; reason: string }]>('cancel');
