import { ApplicationFailure } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { appendEvents, EventConflictError } from '../db/event-store';
import type { DomainEvent } from '../domain/events';

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
  };
}

export type Activities = ReturnType<typeof createActivities>;
