// The short key of an engine's task queue in the ids of the workflows it keeps for itself (the event feed's minutes,
// the patient index's shards, the dead-letter days): each engine keeps its own, so engines sharing a namespace (test
// stacks, a staging engine beside another) never wait on each other's workers. A hash: task queue names may hold
// anything.
import { createHash } from 'node:crypto';

export function engineKey(taskQueue: string): string {
  return createHash('sha256').update(taskQueue).digest('hex').slice(0, 8);
}
