import { parentPort, workerData } from 'node:worker_threads';
import { PartitionFold, type FoldPlan, type LogPage, type TableRows } from './rebuild-fold';

/** A thread folding one share of a rebuild (see rebuild.ts): one reply per message, in order. */
export type FoldRequest = { kind: 'page'; page: LogPage } | { kind: 'end' };
export type FoldReply = { ok: true; rows: TableRows[] | null } | { ok: false; message: string };

if (parentPort) {
  const port = parentPort;
  const fold = new PartitionFold(workerData as FoldPlan);
  port.on('message', (request: FoldRequest) => {
    let reply: FoldReply;
    try {
      reply = { ok: true, rows: request.kind === 'page' ? fold.page(request.page) : fold.end() };
    } catch (err) {
      reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
}
