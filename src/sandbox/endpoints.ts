// The sandbox's vendor and partner endpoints by name. Faults target them by name (or by method and path), and
// request counters are kept per name. Paths are Fastify route patterns under the sandbox root.

export interface SandboxEndpoint {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
}

const HB = '/honeybee/v1';
const OG = '/onegevity/api/v1';

export const SANDBOX_ENDPOINTS = [
  { name: 'honeybee.token', method: 'POST', path: '/honeybee/oauth/token' },
  { name: 'honeybee.getPatient', method: 'GET', path: `${HB}/patients/:patient_id` },
  { name: 'honeybee.listPrescriptions', method: 'GET', path: `${HB}/patients/:patient_id/rx` },
  { name: 'honeybee.addPatientAddress', method: 'POST', path: `${HB}/patients/:patient_id/shipping_address` },
  { name: 'honeybee.createOrder', method: 'POST', path: `${HB}/orders` },
  { name: 'honeybee.listOrders', method: 'GET', path: `${HB}/orders` },
  { name: 'honeybee.getOrder', method: 'GET', path: `${HB}/orders/:order_number` },
  { name: 'honeybee.orderAction', method: 'POST', path: `${HB}/orders/:order_number/actions` },
  { name: 'honeybee.reorder', method: 'POST', path: `${HB}/orders/:order_number/reorders` },
  { name: 'honeybee.partnerHold', method: 'POST', path: `${HB}/orders/:order_number/hold` },
  { name: 'honeybee.updateOrderAddress', method: 'PUT', path: `${HB}/orders/:order_number/shipping_address` },
  { name: 'honeybee.simulate', method: 'POST', path: `${HB}/simulate` },
  { name: 'onegevity.token', method: 'POST', path: '/onegevity/oauth/token' },
  { name: 'onegevity.createOrder', method: 'POST', path: `${OG}/patients/:patientIdentifier/orders` },
  { name: 'onegevity.getOrder', method: 'GET', path: `${OG}/patients/:patientIdentifier/orders/:orderIdentifier` },
  { name: 'onegevity.updateOrder', method: 'PATCH', path: `${OG}/patients/:patientIdentifier/orders/:orderIdentifier` },
  {
    name: 'onegevity.getReports',
    method: 'GET',
    path: `${OG}/patients/:patientIdentifier/orders/:orderIdentifier/reports`,
  },
  {
    name: 'onegevity.getReport',
    method: 'GET',
    path: `${OG}/patients/:patientIdentifier/orders/:orderIdentifier/reports/:reportIdentifier`,
  },
  { name: 'onegevity.createFulfillment', method: 'POST', path: `${OG}/fulfillment-requests` },
  { name: 'onegevity.getFulfillment', method: 'GET', path: `${OG}/fulfillment-requests/:requestIdentifier` },
  {
    name: 'onegevity.cancelFulfillment',
    method: 'POST',
    path: `${OG}/fulfillment-requests/:requestIdentifier/cancel`,
  },
  { name: 'partner.findPatients', method: 'POST', path: '/partner/patients/search' },
  { name: 'partner.notifications', method: 'POST', path: '/partner/notifications' },
] as const satisfies readonly SandboxEndpoint[];

export type SandboxEndpointName = (typeof SANDBOX_ENDPOINTS)[number]['name'];

const BY_NAME = new Map<string, SandboxEndpoint>(SANDBOX_ENDPOINTS.map((endpoint) => [endpoint.name, endpoint]));

export function sandboxEndpoint(name: SandboxEndpointName): SandboxEndpoint {
  const endpoint = BY_NAME.get(name);
  if (!endpoint) throw new Error(`unknown sandbox endpoint ${name}`);
  return endpoint;
}

/** True when `pattern` names the endpoint: exactly, or by a `vendor.*` / `*` wildcard. */
export function endpointNameMatches(pattern: string, name: string): boolean {
  if (pattern === '*' || pattern === name) return true;
  return pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1));
}

/** True when a pattern could match some endpoint (so a typo is refused instead of silently matching nothing). */
export function isKnownEndpointPattern(pattern: string): boolean {
  return SANDBOX_ENDPOINTS.some((endpoint) => endpointNameMatches(pattern, endpoint.name));
}
