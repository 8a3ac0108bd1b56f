import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  ApplicationFailure,
} from '@temporalio/workflow';
import type { EventBody } from '../../domain/events';
import type { Principal } from '../../domain/principal';
import { SYSTEM } from '../../domain/system-principal';
import type { ProjectCommand } from '../../domain/commands';
import { DomainError } from '../../domain/domain-error';
import {
  cancelEvents,
  decide,
  emptyProject,
  evolve,
  type DecideOptions,
  type ProjectState,
} from '../../domain/project';
import { nextWake, tick } from '../../domain/legacy/schedule-v1';
import type { ProjectWorkflowInput } from '../project';
import { projectRag } from '../../domain/rag';
import { describeProject } from '../view';
import { parseCommand } from '../schemas';
import { planNow, realDelayMs } from '../../domain/clock';
import { Emitter } from './emitter-v1';
import {
  cycleCancelled,
  cycleWindowChanged,
  projectCommandTypes,
  projectStateQuery,
  projectUpdates,
  type ProjectView,
} from '../messages';
import { SA } from '../search-attributes';
import { refuseUnproven } from '../proof';

/** Past this many history events a run hands over to a fresh one, whatever the milestones. */
const HISTORY_LIMIT = 5_000;

/** This generation decided as the decider did before any later patch changed it. */
const LEGACY_DECISIONS: DecideOptions = { escalateReturnsWithoutLadder: true };

/**
 * FROZEN: the project workflow as it ran before the inbox loop (`../project.ts`). Runs started by
 * it replay through this code and nothing here may change; when such a run continues as new, the
 * fresh run takes the current code. It shares `decide`/`evolve` with the current code, so those
 * may only change in ways that keep every command they accepted accepted.
 */
export async function legacyProjectWorkflow(input: ProjectWorkflowInput): Promise<ProjectState> {
  const streamId = workflowInfo().workflowId;
  const emitter = new Emitter({ streamId, cycleId: input.cycleId, projectId: input.projectId });
  let state: ProjectState =
    input.carried ??
    emptyProject({ streamId, cycleId: input.cycleId, projectId: input.projectId, policy: input.policy });
  let closesAt = input.closesAt;
  let changed = false;
  const now = () => planNow(input.clock, Date.now());

  const commit = (bodies: EventBody[], actor: Principal, causationId: string | null): Promise<void> => {
    const at = now();
    const events = bodies.map((body) => {
      const event = emitter.envelope(body, state.seq + 1, at, actor, causationId);
      state = evolve(state, body, event.eventId);
      return event;
    });
    changed = changed || events.length > 0;
    return emitter.record(events);
  };

  const view = (): ProjectView => describeProject(state, input.clock, Date.now());

  setHandler(projectStateQuery, view);
  for (const type of projectCommandTypes) {
    setHandler(
      projectUpdates[type],
      async (raw: ProjectCommand) => {
        const command = parseCommand(raw);
        await commit(decide(state, command, now(), LEGACY_DECISIONS), command.actor, `update:${type}`);
        return view();
      },
      {
        // Validators run before anything reaches history: a refused command changes nothing.
        validator: (raw: ProjectCommand) => {
          // Runs still on this generation get new commands too: they must be proven as well.
          refuseUnproven(raw, type);
          try {
            const command = parseCommand(raw);
            if (command.type !== type)
              throw new DomainError('invalid_command', `命令类型 ${command.type} 与操作 ${type} 不符`);
            decide(state, command, now(), LEGACY_DECISIONS);
          } catch (err) {
            if (err instanceof DomainError) throw ApplicationFailure.nonRetryable(err.message, err.code);
            throw err;
          }
        },
      },
    );
  }
  setHandler(cycleWindowChanged, ({ window, reason }) => {
    closesAt = window.reviewDueAt;
    const bodies: EventBody[] = state.milestones
      .filter(
        (m) =>
          m.year === null && m.phase !== 'closed' && Date.parse(window.submissionDueAt) > Date.parse(m.dueAt),
      )
      .map((m) => ({
        type: 'ExtensionGranted',
        data: {
          milestoneId: m.milestoneId,
          requestId: 'cycle-extension',
          newDueAt: window.submissionDueAt,
          comment: reason,
        },
      }));
    void commit(bodies, SYSTEM, 'signal:cycleWindowChanged');
    changed = true;
  });
  setHandler(cycleCancelled, ({ reason, actor }) => {
    if (isFinished(state)) return;
    void commit(cancelEvents(state, reason), actor, 'signal:cycleCancelled');
  });

  if (!input.carried) {
    await commit([{ type: 'ProjectStarted', data: input.started }], SYSTEM, null);
  }
  const openCount = () => state.milestones.filter((m) => m.phase !== 'closed').length;
  const openAtStart = openCount();

  while (!isFinished(state)) {
    await commit(
      tick(state, now(), closesAt, { catchUpLadder: patched('escalation-ladder-catch-up') }),
      SYSTEM,
      'timer',
    );
    publishSearchAttributes(state, now());
    if (isFinished(state)) break;

    // A fresh run per milestone keeps histories short over a five-year plan.
    const milestoneClosed = openCount() < openAtStart;
    if (
      milestoneClosed ||
      workflowInfo().historyLength > HISTORY_LIMIT ||
      workflowInfo().continueAsNewSuggested
    ) {
      await condition(allHandlersFinished);
      await emitter.record([]);
      await continueAsNew<(i: ProjectWorkflowInput) => Promise<ProjectState>>({
        ...input,
        closesAt,
        carried: state,
      });
    }

    const wake = nextWake(state, now(), closesAt, { wakeForPastDue: patched('wake-for-past-due-work') });
    changed = false;
    if (wake === null) await condition(() => changed);
    else await condition(() => changed, Math.max(1, realDelayMs(input.clock, wake, Date.now())));
  }

  await condition(allHandlersFinished);
  await emitter.record([]);
  publishSearchAttributes(state, now());
  return state;
}

const isFinished = (s: ProjectState): boolean => s.status === 'closed' || s.status === 'cancelled';

function publishSearchAttributes(state: ProjectState, at: string): void {
  const open = state.milestones.filter((m) => m.phase !== 'closed');
  const nextDue = open.map((m) => m.dueAt).sort()[0];
  const units = [...new Set(state.milestones.flatMap((m) => m.assignments.map((a) => a.unit)))];
  upsertSearchAttributes([
    { key: SA.status, value: state.status },
    { key: SA.rag, value: projectRag(state, at).rag },
    { key: SA.units, value: units.length ? units : [state.leadUnit, ...state.coUnits] },
    ...(nextDue ? [{ key: SA.dueAt, value: new Date(nextDue) }] : []),
  ]);
}
