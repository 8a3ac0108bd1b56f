import { evolve, emptyProject, type ProjectState } from '../../../domain/project';
import { defaultPolicy } from '../../../domain/policy';
import type { DomainEvent } from '../../../domain/events';
import { foldModel, rowWrites } from '../../../db/projections/read-model';
import { cyclesModel } from '../../../db/projections/cycles';
import { projectStatusModel } from '../../../db/projections/project-status';
import { DEFAULT_RAG_POLICY } from '../../../db/projections/rag';
import { demoCycle } from '../../support/event-builder';

const { events } = demoCycle();

describe('milestone phases on the board are the workflow’s', () => {
  it('gives every milestone, after every event of every project, the phase the domain’s evolve gives it', () => {
    for (const projectId of ['p1', 'p2', 'p3', 'p4']) {
      const own = events.filter((e) => e.projectId === projectId);
      let domain: ProjectState = emptyProject({
        streamId: own[0]!.streamId,
        cycleId: own[0]!.cycleId,
        projectId,
        policy: defaultPolicy(),
      });
      own.forEach((event, i) => {
        domain = evolve(domain, event, event.eventId);
        const { milestones } = foldModel(projectStatusModel, own.slice(0, i + 1), DEFAULT_RAG_POLICY);
        for (const m of domain.milestones)
          expect([event.eventId, milestones![`${projectId}\u0001${m.milestoneId}`]!.status]).toEqual([
            event.eventId,
            m.phase,
          ]);
      });
    }
  });
});

describe('row writes of the live append', () => {
  const started = events[0]!;
  const projectStarts = events.filter((e) => e.type === 'ProjectStarted');

  it('writes a project’s changed rows whole and leaves unchanged ones alone', () => {
    const p1 = events.filter((e) => e.projectId === 'p1');
    const before = foldModel(projectStatusModel, p1.slice(0, 3), DEFAULT_RAG_POLICY);
    // A co-unit assigned at the same instant changes no row of the board.
    const same = projectStatusModel.evolve(before, p1[3]!, DEFAULT_RAG_POLICY);
    expect(rowWrites(projectStatusModel, before, same)).toEqual({});
    // An acknowledgement the next day moves the project's last event, not its milestone's colour.
    const after = projectStatusModel.evolve(same, p1[4]!, DEFAULT_RAG_POLICY);
    const writes = rowWrites(projectStatusModel, same, after);
    expect(writes.projects).toEqual([{ kind: 'upsert', row: after.projects!.p1 }]);
    expect(writes.milestones).toBeUndefined();
  });

  it('adds to a cycle’s counts, and sets only the columns the event changed', () => {
    // A stream that saw the cycle before two projects started still adds exactly its own +1.
    const seen = foldModel(cyclesModel, [started], undefined);
    const afterStart = cyclesModel.evolve(seen, projectStarts[2]!, undefined);
    expect(rowWrites(cyclesModel, seen, afterStart).cycles).toEqual([
      { kind: 'patch', key: { cycle_id: 'c2017' }, set: {}, inc: { projects_started: 1 } },
    ]);
    const cancelled = { ...started, type: 'CycleCancelled', data: { reason: '机构改革' } } as DomainEvent;
    const afterCancel = cyclesModel.evolve(seen, cancelled, undefined);
    expect(rowWrites(cyclesModel, seen, afterCancel).cycles).toEqual([
      {
        kind: 'patch',
        key: { cycle_id: 'c2017' },
        set: {
          status: 'cancelled',
          outcome: 'cancelled',
          closed_at: afterCancel.cycles!.c2017!.closed_at,
          note: '机构改革',
        },
        inc: {},
      },
    ]);
    expect(rowWrites(cyclesModel, {}, seen).cycles).toEqual([{ kind: 'upsert', row: seen.cycles!.c2017 }]);
  });
});
