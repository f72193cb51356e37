// How the audit (`fulfill audit`) tells a recorded call of each activity, keyed by the activity's name: ids,
// statuses and outcomes read from its input and result (never patient data: activities return none). A new activity
// adds its line here; one without a line is told as "<name> completed".
import type { Activities } from './index.js';

export interface ActivitySummary {
  /** A partner notification, a link between the Honeybee workflows, or a call to a vendor. */
  kind: 'notification' | 'link' | 'vendor.call';
  summary: string;
}

type Summarize = (input: unknown, result: unknown) => ActivitySummary;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text (or a number, as text) at a place in a recorded value; undefined when it is anything else. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : undefined;
}

/** The value at `path` in a recorded (decoded JSON) value. */
export function nested(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}

/**
 * What a POST /orders carried as patient_safety, and from where: the list sizes, not the items (a pharmacist reads
 * those; the audit line says that something, or explicitly nothing, was sent).
 */
function patientSafetySent(sent: unknown): string | undefined {
  if (!isRecord(sent)) return undefined;
  const count = (key: string) => {
    const list = sent[key];
    return Array.isArray(list) ? String(list.length) : '?';
  };
  const from =
    sent.source === 'partner_directory'
      ? "from the partner's intake"
      : sent.source === 'fill_approval'
        ? "from the partner's intake given with the fill approval"
        : sent.source === 'operator'
          ? 'as an operator gave it'
          : 'none supplied, sent empty by setting';
  return `patient safety sent ${from}: ${count('allergies')} allergies, ${count('medications')} medications, ${count('healthConditions')} conditions`;
}

/** The outcome of a patient match in the partner's directory. */
function patientMatch(result: unknown): string {
  const outcome = text(nested(result, 'outcome'));
  return outcome === 'matched'
    ? `matched to partner patient ${text(nested(result, 'partnerPatientId')) ?? '?'} by ${text(nested(result, 'matchedBy')) ?? '?'}`
    : outcome === 'ambiguous'
      ? `ambiguous: ${text(nested(result, 'candidates')) ?? '?'} candidates`
      : `no partner patient found`;
}

export const ACTIVITY_SUMMARIES: Readonly<Partial<Record<keyof Activities, Summarize>>> = {
  notifyPartner: (input) => ({
    kind: 'notification',
    summary: `partner notified: ${text(nested(input, 'type')) ?? '?'} (${text(nested(input, 'id')) ?? '?'})`,
  }),
  redeliverPartnerNotifications: (input, result) => {
    const failure = text(nested(result, 'failure'));
    return {
      kind: 'notification',
      summary:
        `parked partner notifications re-sent: ${text(nested(result, 'delivered')) ?? '?'} of ` +
        `${Array.isArray(input) ? input.length : '?'}${failure ? ` (stopped: ${failure})` : ''}`,
    };
  },
  reportHoneybeeOrderMilestone: (input) => {
    const ids = nested(input, 'prescriptionIds');
    return {
      kind: 'link',
      summary:
        `order ${text(nested(input, 'milestone', 'orderNumber')) ?? '?'} reported ` +
        `${text(nested(input, 'milestone', 'milestone')) ?? '?'} to prescription(s) ${Array.isArray(ids) ? ids.join(', ') : '?'}`,
    };
  },
  sweepKnownHoneybeePatients: (input, result) => {
    const started = nested(result, 'started');
    return {
      kind: 'vendor.call',
      summary:
        `sweep: prescriptions of ${text(nested(result, 'checked')) ?? '?'} known patient(s) read from ` +
        `${text(nested(input, 'offset')) ?? '?'}; started ${Array.isArray(started) && started.length > 0 ? started.join(', ') : 'none'}` +
        `, ${text(nested(result, 'failed')) ?? '?'} not read`,
    };
  },
  forwardHoneybeePatients: (input) => {
    const ids = nested(input, 'patientIds');
    return {
      kind: 'link',
      summary: `patient registry: ${Array.isArray(ids) ? ids.length : '?'} id(s) handed on to segment ${text(nested(input, 'segment')) ?? '?'}`,
    };
  },
  matchHoneybeePatient: (input, result) => ({
    kind: 'vendor.call',
    summary: `Honeybee patient ${text(nested(input, 'patientId')) ?? '?'} read; ${patientMatch(result)}`,
  }),
  lookUpPartnerPatient: (input, result) => ({
    kind: 'vendor.call',
    summary: `partner directory asked for partner patient ${text(nested(input, 'partnerPatientId')) ?? '?'} (an operator's match): ${nested(result, 'known') === true ? 'known' : 'not known'}`,
  }),
  // Its input is the patient's identity (PHI): only the outcome is told.
  matchPartnerPatient: (_input, result) => ({
    kind: 'vendor.call',
    summary: `partner directory searched; ${patientMatch(result)}`,
  }),
  getHoneybeePrescription: (input, result) => ({
    kind: 'vendor.call',
    summary: `Honeybee prescriptions of patient ${text(nested(input, 'patientId')) ?? '?'} read (found: ${nested(result, 'found') === true ? 'yes' : 'no'})`,
  }),
  ensureHoneybeeFillOrder: (input, result) => {
    const how = text(nested(result, 'how')) ?? '?';
    const orderNumber = text(nested(result, 'orderNumber'));
    const what =
      how === 'none'
        ? 'no order found yet'
        : `order ${orderNumber ?? '?'} ${how === 'created' ? 'created' : 'adopted'}`;
    const safety = patientSafetySent(nested(result, 'patientSafetySent'));
    return {
      kind: 'vendor.call',
      summary: `Honeybee fill ${text(nested(input, 'fillNumber')) ?? '?'} of prescription ${text(nested(input, 'prescriptionId')) ?? '?'}: ${what}${safety ? `; ${safety}` : ''}`,
    };
  },
  getHoneybeeOrder: (input, result) => ({
    kind: 'vendor.call',
    summary:
      `Honeybee order ${text(nested(input, 'orderNumber')) ?? '?'} read: ${text(nested(result, 'status')) ?? '?'}` +
      (nested(result, 'fromCache') === true ? ' (not modified)' : ''),
  }),
  submitHoneybeeOrderAction: (input) => ({
    kind: 'vendor.call',
    summary: `Honeybee order action ${text(nested(input, 'action')) ?? '?'} on order ${text(nested(input, 'orderNumber')) ?? '?'} accepted`,
  }),
  cancelHoneybeeOrder: (input, result) => ({
    kind: 'vendor.call',
    summary: `Honeybee order ${text(nested(input, 'orderNumber')) ?? '?'} cancel: ${text(nested(result, 'outcome')) ?? '?'}`,
  }),
  createLabOrder: (input, result) => ({
    kind: 'vendor.call',
    summary: `Onegevity order ${text(nested(input, 'request', 'orderIdentifier')) ?? '?'} ${text(nested(result, 'outcome')) ?? '?'}`,
  }),
  getLabOrder: (input, result) => ({
    kind: 'vendor.call',
    summary:
      `Onegevity order ${text(nested(input, 'orderIdentifier')) ?? '?'} read: ${text(nested(result, 'status')) ?? '?'}` +
      `, fulfillment ${text(nested(result, 'fulfillment', 'status')) ?? '?'}`,
  }),
  requestLabFulfillment: (input, result) => ({
    kind: 'vendor.call',
    summary: `Onegevity fulfillment request ${text(nested(input, 'requestIdentifier')) ?? '?'} ${text(nested(result, 'outcome')) ?? '?'} (${text(nested(result, 'status')) ?? '?'})`,
  }),
  cancelLabFulfillment: (input, result) => ({
    kind: 'vendor.call',
    summary: `Onegevity fulfillment request ${text(nested(input, 'requestIdentifier')) ?? '?'} cancel: ${nested(result, 'canceled') === true ? 'canceled' : `not canceled (${text(nested(result, 'status')) ?? '?'})`}`,
  }),
  listLabReports: (input, result) => {
    const reports = nested(result, 'reportIdentifiers');
    return {
      kind: 'vendor.call',
      summary: `Onegevity reports listed: ${Array.isArray(reports) ? reports.length : '?'}`,
    };
  },
  // The partner's actions (activities/partner-actions.ts): addresses and activation codes are PHI, never told.
  placeHoneybeePartnerHold: (input) => ({
    kind: 'vendor.call',
    summary: `Honeybee order ${text(nested(input, 'orderNumber')) ?? '?'} placed on Partner Hold (64)`,
  }),
  changeHoneybeeOrderShippingAddress: (input) => ({
    kind: 'vendor.call',
    summary: `Honeybee order ${text(nested(input, 'orderNumber')) ?? '?'} shipping address changed`,
  }),
  addHoneybeePatientShippingAddress: (input) => ({
    kind: 'vendor.call',
    summary: `Honeybee patient ${text(nested(input, 'patientId')) ?? '?'} shipping address added`,
  }),
  reorderHoneybeeOrder: (input, result) => ({
    kind: 'vendor.call',
    summary:
      `Honeybee order ${text(nested(input, 'orderNumber')) ?? '?'} reordered as ${text(nested(result, 'orderNumber')) ?? '?'}` +
      (nested(result, 'started') === false ? ' (its workflow was already running)' : ''),
  }),
  activateLabKits: (input, result) => {
    const activations = nested(input, 'activations');
    const kits = nested(result, 'kitStatuses');
    return {
      kind: 'vendor.call',
      summary:
        `Onegevity order ${text(nested(input, 'orderIdentifier')) ?? '?'}: ${Array.isArray(activations) ? activations.length : '?'} kit activation(s) sent; ` +
        `kits ${Array.isArray(kits) ? kits.join(', ') : '?'}`,
    };
  },
};

export function summarizeActivity(type: string, input: unknown, result: unknown): ActivitySummary {
  const summarize = (ACTIVITY_SUMMARIES as Readonly<Record<string, Summarize | undefined>>)[type];
  return summarize ? summarize(input, result) : { kind: 'vendor.call', summary: `${type} completed` };
}
