import type { ProjectState } from '../domain/project';
import { milestoneRag, projectRag, type RagExplanation } from '../domain/rag';
import { planNow, type ClockAnchor } from '../domain/clock';

/** What a project's `state` query answers: the folded state, its clock, and its colours at `now`. */
export type ProjectView = {
  now: string;
  clock: ClockAnchor;
  state: ProjectState;
  rag: RagExplanation;
  milestones: Record<string, RagExplanation>;
};

/**
 * Colours depend on the clock. Inside a query `Date.now()` is the time of the workflow's last
 * task, so callers recompute the view at their own real time with this same pure function.
 */
export function describeProject(state: ProjectState, clock: ClockAnchor, realNowMs: number): ProjectView {
  const now = planNow(clock, realNowMs);
  return {
    now,
    clock,
    state,
    rag: projectRag(state, now),
    milestones: Object.fromEntries(
      state.milestones.map((m) => [
        m.milestoneId,
        milestoneRag(m, state.policy.maxReturns, state.policy.amberWithin, now),
      ]),
    ),
  };
}
