import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';

/** What the use cases need from the stack they run in, whichever adapter calls them. */
export interface AppDeps {
  db: Kysely<Database>;
  client: Client;
  taskQueue: string;
  log: (line: string) => void;
  /** Where uploaded evidence is stored (`<dataDir>/evidence/<sha256>`). */
  dataDir: string;
}
