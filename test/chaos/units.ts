/**
 * The units and 督导处 of a chaos run, acting from a process of their own: they poll the running
 * projects and act as the demo's simulated units do, riding out a Temporal server or database that
 * is down (a failed poll or command is tried again on the next round). Ends when the cycle does.
 */
import { Client, Connection } from '@temporalio/client';
import { act, behaviourFor, nextAction } from '../../cli/demo/simulated-units';
import { listProjectViews } from '../../app/projects';
import { KeyFileSigner, signingClientOptions } from '../../app/signing';

const [address, cycleId, keyFile] = process.argv.slice(2);

/** Each project gets the same behaviour in every run (late, rework, extension…). */
const indexOf = (projectId: string): number =>
  [...projectId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9973, 0);

async function main(): Promise<void> {
  if (!address || !cycleId || !keyFile) throw new Error('usage: units <address> <cycleId> <keyFile>');
  const signer = new KeyFileSigner(keyFile);
  let actions = 0;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        const client = new Client({ connection, ...signingClientOptions(signer) });
        const cycle = client.workflow.getHandle(`cycle-${cycleId}`);
        for (;;) {
          const { status } = await cycle.describe();
          if (status.name !== 'RUNNING') {
            console.log(`units: cycle ${status.name}, ${actions} actions`);
            return;
          }
          const views = await listProjectViews(client, { cycleId });
          await Promise.all(
            views.map(async ({ workflowId, view }) => {
              const command = nextAction(view, behaviourFor(indexOf(view.state.projectId)));
              if (command && (await act(client, workflowId, command))) actions++;
            }),
          );
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        await connection.close().catch(() => undefined);
      }
    } catch {
      // The server (or its database) is down: try again shortly.
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
