// Lab results for the partner: the report ids a lab order's workflow collected, and one report's document streamed
// from Onegevity through the bridge (the partner never needs Onegevity's credentials or URLs). Every download is
// recorded first, by a workflow of its own (workflows/partner-api/report-access.ts): which report, which key, when;
// when the record cannot be made, nothing is sent. The report itself never enters Temporal (its size, and no need).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import type { LabOrderStatus } from '../../../workflows/lab/messages.js';
import { labReportAccessWorkflow } from '../../../workflows/partner-api/report-access.js';
import { labOrderWorkflowId } from '../../domain/workflow-ids.js';
import { FailureType } from '../../domain/failure-types.js';
import { isVendorError } from '../../vendors/shared/vendor-error.js';
import { PartnerApiError } from './errors.js';
import type { Answer, CallContext } from './operation.js';

/** The partner's patient id of a lab order this engine placed, from its workflow's (encrypted) start input. */
async function labOrderPatient(client: Client, workflowId: string): Promise<string | undefined> {
  const response = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId },
    maximumPageSize: 1,
  });
  const started = response.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  const input = await decodeFromPayloadsAtIndex<{ order?: { patientIdentifier?: unknown } } | undefined>(
    client.options.loadedDataConverter,
    0,
    started?.input?.payloads,
  );
  const patient = input?.order?.patientIdentifier;
  return typeof patient === 'string' ? patient : undefined;
}

export async function reportList(call: CallContext, orderIdentifier: string) {
  const { status } = await call.engine.status(call.client.workflow.getHandle(labOrderWorkflowId(orderIdentifier)));
  const lab = status as unknown as LabOrderStatus;
  return {
    orderIdentifier,
    resultsReleasedAt: lab.resultsReleasedAt ?? null,
    reportIdentifiers: lab.reportIdentifiers ?? [],
  };
}

export async function reportDocument(
  call: CallContext,
  orderIdentifier: string,
  reportIdentifier: string,
): Promise<Answer> {
  const source = call.engine.settings.reports;
  if (!source) {
    throw new PartnerApiError(404, 'not_found', 'lab reports cannot be read here: no Onegevity credentials are set');
  }
  const list = await reportList(call, orderIdentifier);
  if (!list.reportIdentifiers.includes(reportIdentifier)) {
    throw new PartnerApiError(
      404,
      'not_found',
      list.reportIdentifiers.length > 0
        ? `lab order ${orderIdentifier} has no report ${reportIdentifier}`
        : `lab order ${orderIdentifier} has no released report yet`,
    );
  }
  const workflowId = labOrderWorkflowId(orderIdentifier);
  const patient = await call.engine.within(() => labOrderPatient(call.client, workflowId));
  if (!patient) {
    // A followed order (placed outside the engine) is read and listed like the engine's own, but its report is read
    // as its placement names the patient, and it has none.
    throw new PartnerApiError(
      409,
      'wrong_state',
      `lab order ${orderIdentifier} was placed outside the engine, which follows it: its report ids are listed, but ` +
        'the engine serves report documents only for orders it placed (it reads them through the placement); get ' +
        'this one from Onegevity',
    );
  }
  // The record first: no report leaves without it.
  await call.engine.within(() =>
    call.client.workflow.execute(labReportAccessWorkflow, {
      workflowId: `onegevity-report-access-${orderIdentifier}-${randomUUID()}`,
      taskQueue: call.engine.settings.taskQueue,
      args: [{ orderIdentifier, reportIdentifier, accessedBy: call.caller.name }],
    }),
  );
  try {
    const document = await source().getReportDocument(patient, orderIdentifier, reportIdentifier);
    return {
      status: 200,
      bytes: document.data.bytes,
      contentType: document.data.contentType,
      headers: {
        'cache-control': 'no-store',
        'content-disposition': `attachment; filename="${reportIdentifier}.pdf"`,
      },
    };
  } catch (error) {
    if (!isVendorError(error)) throw error;
    if (error.failureType === FailureType.VendorNotFound) {
      throw new PartnerApiError(404, 'not_found', `Onegevity has no report ${reportIdentifier} for this order`);
    }
    throw new PartnerApiError(502, 'vendor_unavailable', `Onegevity did not serve the report (${error.failureType})`);
  }
}
