import { ApplicationFailure } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { appendEvents, EventConflictError } from '../db/event-store';
import type { CycleScope, CycleWindow, DomainEvent } from '../domain/events';
import type { CycleItem } from '../domain/cycle';
import type { CyclePolicy } from '../domain/policy';
import { cycleItems } from '../app/cycle-items';
import { loadWorkCalendar } from '../db/work-calendar';
import type { WorkCalendar } from '../domain/work-calendar';
import { verifyStartProof } from '../app/start-proof';
import { planCarryOver } from '../app/rectifications';
import { RectificationRejected } from '../domain/rectification';
import type { Principal } from '../domain/principal';

export interface ActivityDeps {
  db: Kysely<Database>;
}

/** The only I/O workflows reach. Built in the worker with its dependencies (no globals). */
export function createActivities({ db }: ActivityDeps) {
  return {
    /** Appends one stream's events idempotently: a retried attempt writes nothing twice. */
    async recordEvents(events: DomainEvent[]): Promise<{ appended: number; duplicates: number }> {
      try {
        return await appendEvents(db, events);
      } catch (err) {
        if (err instanceof EventConflictError) {
          throw ApplicationFailure.nonRetryable(err.message, 'EventConflict');
        }
        throw err;
      }
    },

    /**
     * Verifies the proof a person's cycle start carries, at the moment the server started the
     * workflow (so the answer is the same whenever it is asked; the history keeps it).
     */
    async verifyStart(input: {
      command: Record<string, unknown>;
      workflowId: string;
      startedAt: string;
      /** Absent in histories recorded before 领导批示 starts were signed: a cycle's start. */
      workflowType?: string;
    }) {
      return verifyStartProof(db, input);
    },

    /**
     * The items of a scheduled round's cycle, when the Schedule fires: those its scope selects from
     * the stored plan, asked of the units as `dudao cycle start` asks them (app/cycle-items.ts).
     * The result is recorded in the round's history, so rounds run before items were shaped by plan
     * year replay unchanged.
     */
    async loadCycleItems(input: {
      scope: CycleScope;
      planId?: number;
      window: CycleWindow;
      taskFlow: CyclePolicy['taskFlow'];
    }): Promise<{ planId: string; planVersion: number; items: CycleItem[] }> {
      const { planId, version, items } = await cycleItems(db, input);
      return { planId: String(planId), planVersion: version, items };
    },

    /**
     * What a scheduled round carries over from the round before: that cycle's unrectified 整改,
     * planned as `dudao cycle carry-over` would (the round starts them as its children). Nothing
     * when there was no round before; retried until the round's own cycle has recorded its start.
     */
    async planRoundCarryOver(input: { fromCycleId: string; toCycleId: string; by: Principal }) {
      const recorded = async (cycleId: string) =>
        Boolean(
          await db.selectFrom('cycles').select('cycle_id').where('cycle_id', '=', cycleId).executeTakeFirst(),
        );
      if (!(await recorded(input.fromCycleId))) return { at: null, rounds: [] };
      if (!(await recorded(input.toCycleId))) throw new Error(`cycle ${input.toCycleId} not recorded yet`);
      try {
        return await planCarryOver(db, input.by, input.fromCycleId, input.toCycleId);
      } catch (err) {
        if (err instanceof RectificationRejected)
          throw ApplicationFailure.nonRetryable(err.message, 'carry_over_refused');
        throw err;
      }
    },

    /** The office's working-day calendar for a recurring round's years, as `dudao calendar` holds it. */
    async loadOfficeCalendar(years: number[]): Promise<WorkCalendar> {
      return loadWorkCalendar(db, years);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
