// What waits for a human, oldest hold first (visibility only: ids, stages and reasons, no PHI).
import { listNeedsOperatorOrStuck } from '../../../operators/needs-operator.js';
import { awaitingOperator } from '../../../operators/parked-events.js';
import { PartnerApiError } from '../errors.js';
import { defineOperation, json } from '../operation.js';
import { operatorQueue, parkedEventWithBody, parkedListing, redriveOutcome } from '../responses.js';
import { operatorQueueQuery, parkedParams, redriveBody } from '../schemas.js';

const notParked = (id: string) => new PartnerApiError(404, 'not_found', `no parked event ${id}`);

export const operatorOperations = [
  defineOperation({
    operationId: 'getOperatorQueue',
    method: 'GET',
    path: '/api/operator-queue',
    tag: 'Operators',
    scope: 'read',
    summary: 'What waits for an operator',
    description:
      'The running workflows that wait for a human (`NeedsOperator`) and those stuck on a failing workflow task ' +
      '(`workflowTaskFailing`), oldest first, and how many parked webhooks wait for one (`parked.awaitingOperator`; ' +
      'listed at `/api/parked`).',
    query: operatorQueueQuery,
    responses: { 200: { description: 'The queue', schema: operatorQueue } },
    errors: [],
    handle: async ({ query }, call) => {
      const [queue, parked] = await Promise.all([
        // The scan for stuck workflows costs a describe each: one scan a minute serves every caller.
        call.engine.within(() => listNeedsOperatorOrStuck(call.client, query.limit, { stuckMaxAgeMs: 60_000 })),
        call.engine.settings.parkedEvents(call.client).list(),
      ]);
      return json(200, {
        items: queue.entries.map(({ since: _since, workflowTaskFailing: failing, ...item }) => ({
          ...item,
          ...(failing
            ? { workflowTaskFailing: { attempt: failing.attempt, cause: failing.cause, failedAt: failing.failedAt } }
            : {}),
        })),
        stuckScan: queue.stuckScan,
        parked: { awaitingOperator: awaitingOperator(parked.events).length },
      });
    },
  }),
  // Parked webhooks (no workflow could take them, or Temporal refused them for good).
  defineOperation({
    operationId: 'listParkedEvents',
    method: 'GET',
    path: '/api/parked',
    tag: 'Operators',
    scope: 'read',
    summary: 'Parked webhooks',
    description:
      'Every authentic webhook no workflow could take (the dead letter) or Temporal refused for good (the spool), ' +
      'oldest first, without bodies.',
    responses: { 200: { description: 'The parked events', schema: parkedListing } },
    errors: [],
    handle: async (_input, call) => {
      const listing = await call.engine.settings.parkedEvents(call.client).list();
      return json(200, { ...listing, awaitingOperator: awaitingOperator(listing.events).length });
    },
  }),
  defineOperation({
    operationId: 'getParkedEvent',
    method: 'GET',
    path: '/api/parked/{id}',
    tag: 'Operators',
    scope: 'admin',
    summary: 'One parked webhook, with its body',
    description: 'The body exactly as the vendor sent it, decrypted: it may hold PHI, so this needs the admin scope.',
    params: parkedParams,
    responses: { 200: { description: 'The event and its body', schema: parkedEventWithBody } },
    errors: [404],
    handle: async ({ params }, call) => {
      const kept = await call.engine.settings.parkedEvents(call.client).read(params.id);
      if (!kept) throw notParked(params.id);
      return json(200, { event: kept.event, verified: kept.verified, body: kept.body.toString('utf8') });
    },
  }),
  defineOperation({
    operationId: 'redriveParkedEvent',
    method: 'POST',
    path: '/api/parked/{id}/redrive',
    tag: 'Operators',
    scope: 'operate',
    summary: 'Hand a parked webhook to its workflow',
    description:
      'Routes the event again, as the bridge does now, and hands it to its workflows. 409 `not_redriven` with the ' +
      'reason when it still routes nowhere, its workflow has ended, or it was re-driven already.',
    params: parkedParams,
    body: redriveBody,
    responses: { 200: { description: 'Where it went', schema: redriveOutcome } },
    errors: [404, 409, 413, 415],
    handle: async ({ params, body }, call) => {
      const outcome = await call.engine.settings.parkedEvents(call.client).redrive(params.id, body.operator);
      if (!outcome) throw notParked(params.id);
      if (outcome.kind === 'refused') {
        throw new PartnerApiError(409, 'not_redriven', `${params.id} was not re-driven: ${outcome.reason}`);
      }
      return json(200, outcome);
    },
  }),
];
