// What waits for a human, oldest hold first (visibility only: ids, stages and reasons, no PHI).
import { listNeedsOperator } from '../../../operators/needs-operator.js';
import { defineOperation, json } from '../operation.js';
import { operatorQueue } from '../responses.js';
import { operatorQueueQuery } from '../schemas.js';

export const operatorOperations = [
  defineOperation({
    operationId: 'getOperatorQueue',
    method: 'GET',
    path: '/api/operator-queue',
    tag: 'Operators',
    scope: 'read',
    summary: 'What waits for an operator',
    description: 'The running workflows that wait for a human (`NeedsOperator`), oldest hold first.',
    query: operatorQueueQuery,
    responses: { 200: { description: 'The queue', schema: operatorQueue } },
    errors: [],
    handle: async ({ query }, call) => {
      const entries = await call.engine.within(() => listNeedsOperator(call.client, query.limit));
      return json(200, { items: entries.map(({ since: _since, ...item }) => item) });
    },
  }),
];
