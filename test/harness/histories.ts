// Workflow histories for replay tests. CI replays the committed files in test/fixtures/histories/ (test/replay/);
// it never records. To re-record after an intended workflow change, run the tests that record with
// RECORD_HISTORIES=1 (see test/fixtures/histories/README.md): each then writes the histories it names here.
//
// Files are written and read with @temporalio/proto's own generated toJSON/fromObject: in this dependency tree
// @temporalio/common's historyToJSON/historyFromJSON use a second copy of protobufjs that rejects @temporalio/proto's
// types ("type must be a Type"). fromObject gives int64 fields as Long, which runReplayHistories takes as they are.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { PROJECT_ROOT } from '../../src/temporal/binaries.js';

export const HISTORIES_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'histories');

export function recordingHistories(): boolean {
  return process.env.RECORD_HISTORIES === '1';
}

/** Writes the history of `workflowId` (its latest run, or `runId`) as `{name}.json`, when recording. */
export async function recordHistory(client: Client, workflowId: string, name: string, runId?: string): Promise<void> {
  if (!recordingHistories()) return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const json = proto.temporal.api.history.v1.History.fromObject(history).toJSON();
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(json)}\n`);
}

/** Every run of a workflow id (the runs a continue-as-new chain made), oldest first. */
export async function runIdsOf(client: Client, workflowId: string): Promise<string[]> {
  const runs: { runId: string; start: number }[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: execution.runId, start: execution.startTime.getTime() });
  }
  return runs.sort((a, b) => a.start - b.start).map((run) => run.runId);
}

export interface CommittedHistory {
  name: string;
  workflowId: string;
  history: proto.temporal.api.history.v1.History;
}

/** The committed histories, each with a workflow id derived from its file name (replay needs one, any will do). */
export function committedHistories(): CommittedHistory[] {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file.slice(0, -'.json'.length),
      workflowId: `replay-${file.slice(0, -'.json'.length)}`,
      history: proto.temporal.api.history.v1.History.fromObject(
        JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as Record<string, unknown>,
      ),
    }));
}
