import { ApplicationFailure } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { appendEvents, EventConflictError } from '../db/event-store';
import type { CycleScope, DomainEvent } from '../domain/events';
import { selectItems, toCycleItem, type CycleItem } from '../domain/cycle';
import { loadPlanVersion } from '../seeds/import';
import { loadWorkCalendar } from '../db/work-calendar';
import type { WorkCalendar } from '../domain/work-calendar';
import { verifyStartProof } from '../app/start-proof';

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

    /** The items a recurring cycle's scope selects from the stored plan, when the schedule fires. */
    async loadCycleItems(input: {
      scope: CycleScope;
      planId?: number;
    }): Promise<{ planId: string; planVersion: number; items: CycleItem[] }> {
      const { planId, version, plan } = await loadPlanVersion(db, input.planId);
      return {
        planId: String(planId),
        planVersion: version,
        items: selectItems(plan.items, input.scope).map(toCycleItem),
      };
    },

    /** The office's working-day calendar for a recurring round's years, as `dudao calendar` holds it. */
    async loadOfficeCalendar(years: number[]): Promise<WorkCalendar> {
      return loadWorkCalendar(db, years);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
