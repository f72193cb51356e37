// Every message of the engine's workflows, for clients that import them from one place. Each message is defined beside
// the workflow that owns it, with its input schema: workflows/shared/operator-messages.ts (the operator contract),
// workflows/honeybee/messages.ts, workflows/lab/messages.ts, workflows/dead-letter/messages.ts.
import { queryMessage } from './shared/messages.js';

export * from './shared/operator-messages.js';
export * from './honeybee/messages.js';
export * from './lab/messages.js';
export * from './dead-letter/messages.js';

/** Every engine workflow answers `status`; clients that handle any of them (partner API, CLI) read it untyped. */
export const workflowStatusQuery = queryMessage<unknown>('status');
