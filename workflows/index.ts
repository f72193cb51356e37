// Every workflow the worker registers. Workflow code is deterministic: it imports only @temporalio/workflow,
// @temporalio/common, zod, its own modules, src/domain (pure) and types.
export { prescriptionWorkflow } from './prescription.js';
export { honeybeeOrderWorkflow } from './honeybee-order.js';
export { deadLetterWorkflow } from './dead-letter.js';
export { labOrderWorkflow } from './lab-order.js';
export { partnerApiIdempotencyWorkflow } from './partner-api/idempotency.js';
export { honeybeePartnerActionWorkflow } from './partner-api/partner-action.js';
export { labReportAccessWorkflow } from './partner-api/report-access.js';
export { partnerNotificationTargetWorkflow } from './notifications/partner-target.js';
export { partnerNotificationBatchWorkflow } from './notifications/parked-batch.js';
export { partnerEventBucketWorkflow } from './notifications/event-feed.js';
export { partnerNotificationResendWorkflow } from './notifications/resend-one.js';
export { partnerPatientIndexWorkflow } from './partner-api/patient-index.js';
export { honeybeePatientRegistryWorkflow } from './honeybee-patients.js';
export { honeybeeRxSweepWorkflow } from './honeybee-rx-sweep.js';
