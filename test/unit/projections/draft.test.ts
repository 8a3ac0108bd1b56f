import { syntheticCycle } from '../../../bench/synthetic';
import type { DomainEvent } from '../../../domain/events';
import { readModels } from '../../../db/projections/models';
import { DEFAULT_RAG_POLICY } from '../../../db/projections/rag';
import { scopeIdOf, type TablesState } from '../../../db/projections/read-model';
import { demoCycle } from '../../support/event-builder';

/** Freezes a state and everything in it: a change in place then throws (test files are strict). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Models written against a draft change a working copy in place: the states they are given, and
 * the rows in them, must stay as they were, whether they fold one event (`evolve`, the live path)
 * or a project's many (`evolveAll`, a rebuild), and both must give the same state.
 */
describe('models written against a draft', () => {
  const log: DomainEvent[] = [...demoCycle().events, ...syntheticCycle(0, 3)];
  const drafted = readModels.filter((m) => m.evolveAll);
  const byScope = (model: (typeof readModels)[number]) => {
    const out = new Map<string, DomainEvent[]>();
    for (const e of log) {
      const scope = scopeIdOf(model, e);
      if (scope !== null) (out.get(scope) ?? out.set(scope, []).get(scope)!).push(e);
    }
    return out;
  };

  it('covers the models that fold most of a rebuild', () => {
    expect(drafted.map((m) => m.name).sort()).toEqual(
      ['assignments', 'notices', 'project_status', 'submissions', 'target_progress', 'unit_scores'].sort(),
    );
  });

  it('never change the state they are given, one event or many, and agree', () => {
    for (const model of drafted)
      for (const events of byScope(model).values()) {
        const half = Math.floor(events.length / 2);
        // The first half one event at a time, each state frozen before the next event sees it.
        let state: TablesState = deepFreeze({});
        for (const e of events.slice(0, half)) state = deepFreeze(model.evolve(state, e, DEFAULT_RAG_POLICY));
        let one = state;
        for (const e of events.slice(half)) one = deepFreeze(model.evolve(one, e, DEFAULT_RAG_POLICY));
        const all = model.evolveAll!(state, events.slice(half), () => DEFAULT_RAG_POLICY);
        expect(all).toEqual(one);
      }
  });
});
