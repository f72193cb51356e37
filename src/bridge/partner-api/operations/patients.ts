// Patients (Honeybee): a shipping address added to the pharmacy's patient record, carried out by a workflow of its
// own (its history is the audit; the address travels only in its encrypted input).
import { defineOperation, json } from '../operation.js';
import { runPartnerAction } from '../partner-actions.js';
import { partnerActionResult } from '../responses.js';
import { patientParams, shippingAddressBody } from '../schemas.js';

export const patientOperations = [
  defineOperation({
    operationId: 'addPatientShippingAddress',
    method: 'POST',
    path: '/api/patients/{patientId}/shipping_address',
    tag: 'Patients',
    scope: 'operate',
    summary: "Add a shipping address to a patient's record",
    description:
      "Adds the address to Honeybee's patient (orders created after use it). 409 when Honeybee does not know the " +
      'patient; 422 when it refuses the address (its codes say why). Not idempotent at Honeybee, so sent once: when ' +
      "the answer is 502 (no answer from Honeybee), check the patient's addresses there before trying again.",
    params: patientParams,
    body: shippingAddressBody,
    responses: { 201: { description: 'Honeybee added the address', schema: partnerActionResult } },
    errors: [404, 409, 413, 415, 422, 502],
    handle: async ({ params, body }, call) =>
      json(
        201,
        await runPartnerAction(call, params.patientId, {
          action: 'add_patient_shipping_address',
          patientId: params.patientId,
          ...body,
        }),
      ),
  }),
];
