import fs from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import * as sdkProtoUtils from '@temporalio/common/lib/proto-utils';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

/**
 * Temporal's JSON history format, as `temporal workflow show --output json` writes it.
 *
 * `@temporalio/common`'s `historyToJSON`/`historyFromJSON` are tried first. In this install npm
 * nests two copies of protobufjs 8 (one under `@temporalio/common`, one under `@temporalio/proto`,
 * because the hoisted copy is protobufjs 7), and their `protojson` refuses the History type built
 * by the other copy ("type must be a Type"). The fallback runs the same ProtoJSON conversion with
 * the protobufjs copy `@temporalio/proto` itself was built with, so the output is identical.
 */
type ProtoJson = {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
};
let protoJson: { codec: ProtoJson; historyType: unknown } | undefined;
const sameCopyProtoJson = () => {
  if (!protoJson) {
    const protoDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const codec = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as ProtoJson;
    const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
    protoJson = { codec, historyType: root.lookupType('temporal.api.history.v1.History') };
  }
  return protoJson;
};
const isProtobufCopyMismatch = (err: unknown): boolean =>
  err instanceof TypeError && /must be a Type/.test(err.message);

export function historyToJSON(history: History): string {
  try {
    return sdkProtoUtils.historyToJSON(history);
  } catch (err) {
    if (!isProtobufCopyMismatch(err)) throw err;
  }
  const { codec, historyType } = sameCopyProtoJson();
  return JSON.stringify(
    codec.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)),
    null,
    2,
  );
}

export function historyFromJSON(json: unknown): History {
  try {
    return sdkProtoUtils.historyFromJSON(json);
  } catch (err) {
    if (!isProtobufCopyMismatch(err)) throw err;
  }
  const { codec, historyType } = sameCopyProtoJson();
  const history = codec.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('invalid history JSON');
  return history as History;
}

/** A recorded history file, decoded for `Worker.runReplayHistory`. */
export async function loadHistory(file: string): Promise<History> {
  return historyFromJSON(JSON.parse(await fs.readFile(file, 'utf8')));
}

/** One workflow run written to disk: its file name and the run it came from. */
export interface RecordedRun {
  file: string;
  workflowId: string;
  runId: string;
}

/**
 * A history does not name its own workflow id, yet replay needs it: workflow code derives ids from
 * it (a cycle names its project children `<cycle id>/<item id>`). The ids are kept beside the files.
 */
export const MANIFEST = 'workflow-ids.json';
export type Manifest = Record<string, { workflowId: string; runId: string }>;

/** Every run of a workflow id, oldest first (a continued-as-new chain lists one entry per run). */
export async function listRuns(
  client: Client,
  workflowId: string,
): Promise<{ runId: string; startTime: Date }[]> {
  const runs: { runId: string; startTime: Date }[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: execution.runId, startTime: execution.startTime });
  }
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/**
 * Fetches the full event history of each workflow (every run of it, when it continued as new) and
 * writes it to `dir` in Temporal's JSON history format, which `Worker.runReplayHistory` replays.
 * `workflows` maps a file name to a workflow id. A single-run workflow is written as
 * `<name>.json`; run `n` of a continue-as-new chain as `<name>.run-<n>.json`. Each file's workflow
 * and run id are merged into the directory's {@link MANIFEST}.
 */
export async function recordHistories(
  client: Client,
  workflows: Record<string, string>,
  dir: string,
): Promise<RecordedRun[]> {
  await fs.mkdir(dir, { recursive: true });
  const recorded: RecordedRun[] = [];
  for (const [name, workflowId] of Object.entries(workflows)) {
    const runs = await listRuns(client, workflowId);
    if (runs.length === 0) throw new Error(`no runs of workflow ${workflowId}`);
    for (const [index, { runId }] of runs.entries()) {
      const file = `${runs.length === 1 ? name : `${name}.run-${index + 1}`}.json`;
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      await fs.writeFile(path.join(dir, file), `${historyToJSON(history)}\n`);
      recorded.push({ file, workflowId, runId });
    }
  }
  const manifestPath = path.join(dir, MANIFEST);
  const manifest: Manifest = JSON.parse(
    await fs.readFile(manifestPath, 'utf8').catch(() => '{}'),
  ) as Manifest;
  for (const { file, workflowId, runId } of recorded) manifest[file] = { workflowId, runId };
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
  await fs.writeFile(manifestPath, `${JSON.stringify(sorted, null, 2)}\n`);
  return recorded;
}
