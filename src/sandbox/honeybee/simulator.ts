// The simulated Honeybee pharmacy: patients, prescriptions and orders, and the order lifecycle on the sandbox clock
// (Processing → Filling → Shipped → Delivered, one step per step delay), with exceptions that put an order On Hold
// until one of the offered order actions arrives. Every status change is announced by webhook as the contract says.
// Methods named after endpoints return the HTTP answer, so the routes stay thin and tests can read the rules here.
import {
  EXCEPTION_REASONS,
  exceptionReasonById,
  type OrderActionSpec,
} from '../../domain/honeybee-exception-reasons.js';
import type { SandboxClock } from '../clock.js';
import type { SyntheticPerson } from '../people.js';
import type { RandomStreams } from '../random.js';
import type { WebhookEvent } from '../webhooks/delivery.js';
import { allergensOf, CATALOG, CONTROLLED_DRUG, PRESCRIBERS, type CatalogDrug } from './catalog.js';
import { parseCreateOrder, type CreateOrderItem } from './create-order.js';
import {
  badRequest,
  codedError,
  conflict,
  notFound,
  unprocessable,
  type HoneybeeError,
  type HoneybeeReply,
} from './errors.js';
import { orderExceptionEvent, orderUpdateEvent, rxReceivedEvent } from './events.js';
import {
  emptyHoneybeeState,
  isOpen,
  overallStatus,
  type HoneybeeAddress,
  type HoneybeeOrder,
  type HoneybeeOrderStatus,
  type HoneybeePatient,
  type HoneybeeState,
  type MedicationRequest,
  type OrderActionOffer,
  type OrderRecord,
  type PlannedHold,
  type PrescriptionCounters,
  type RxResponseShape,
  type ExceptionActionListing,
  type ExceptionEventType,
} from './model.js';
import { checkAddress, checkDeliverable, isControlled, isRecord, isValidDate, isValidEmail } from './validation.js';

export type HoneybeeWorkflowMode = 'automatic' | 'partner_requested';

export interface HoneybeeSimulatorDeps {
  clock: SandboxClock;
  random: RandomStreams;
  emit: (event: WebhookEvent) => void;
  stepDelayMs: () => number;
  workflowMode: () => HoneybeeWorkflowMode;
  rxResponseShape: () => RxResponseShape;
  /** How exceptions are written: the event's `event_type`, and whether their actions are listed. */
  exceptionEvents: () => { eventType: ExceptionEventType; actions: ExceptionActionListing };
  /** A new patient for `POST /simulate` without a `patient_id` (the sandbox adds it to the partner directory). */
  newPatient: () => HoneybeePatient;
  onChange?: () => void;
  state?: HoneybeeState;
}

export interface PrescriptionOptions {
  count?: number;
  refills?: number;
  controlled?: boolean;
  plannedHolds?: PlannedHold[];
  scenario?: string;
}

const CANCEL_ACTION: OrderActionSpec = (() => {
  const spec = EXCEPTION_REASONS[0]?.actions.find((action) => action.action === 'cancel_order');
  if (!spec) throw new Error('the exception reasons offer no cancel_order action');
  return spec;
})();

const ORDER_NUMBER_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function toOffer(spec: OrderActionSpec): OrderActionOffer {
  return { action: spec.action, description: spec.description, fields: [...spec.fields] };
}

function day(at: number, addYears = 0): string {
  const date = new Date(at);
  date.setUTCFullYear(date.getUTCFullYear() + addYears);
  return date.toISOString().slice(0, 10);
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

export class HoneybeeSimulator {
  readonly state: HoneybeeState;
  readonly #deps: HoneybeeSimulatorDeps;

  constructor(deps: HoneybeeSimulatorDeps) {
    this.#deps = deps;
    this.state = deps.state ?? emptyHoneybeeState();
  }

  // ---------------------------------------------------------------------------------------------- generation

  createPatient(person: SyntheticPerson, ehrId: string | null, scenario?: string): HoneybeePatient {
    const random = this.#deps.random.stream('honeybee.ids');
    let patientId = random.int(100_000, 999_999);
    while (this.state.patients[patientId]) patientId = random.int(100_000, 999_999);
    const patient: HoneybeePatient = {
      patient_id: patientId,
      ehr_id: ehrId,
      first_name: person.firstName,
      last_name: person.lastName,
      dob: person.dob,
      gender: person.gender,
      email: person.email,
      phone: person.phone,
      address: { ...person.address },
    };
    this.state.patients[patientId] = { patient, ...(scenario ? { scenario } : {}) };
    this.#changed();
    return copy(patient);
  }

  createPrescriptions(patientId: number, options: PrescriptionOptions = {}): MedicationRequest[] {
    const random = this.#deps.random.stream('honeybee.ids');
    const clinical = this.#deps.random.stream('honeybee.clinical');
    const now = this.#deps.clock.now();
    const created: MedicationRequest[] = [];
    for (let i = 0; i < (options.count ?? 1); i++) {
      const drug: CatalogDrug = options.controlled ? CONTROLLED_DRUG : clinical.pick(CATALOG);
      let id = random.int(1_000_000, 9_999_999);
      while (this.state.prescriptions[id]) id = random.int(1_000_000, 9_999_999);
      const request: MedicationRequest = {
        id,
        prescription_id: id,
        active: true,
        prescriber_name: clinical.pick(PRESCRIBERS),
        receive_date: day(now),
        drug_name: drug.drug_name,
        ndc: drug.ndc,
        sig_text: drug.sig_text,
        written_qty: drug.written_qty,
        refills_left: options.refills ?? 2,
        expire_date: day(now, 1),
        drug_schedule: drug.drug_schedule,
        days_supply: drug.days_supply,
      };
      this.state.prescriptions[id] = {
        request,
        patientId,
        plannedHolds: i === 0 ? [...(options.plannedHolds ?? [])] : [],
        ...(options.scenario ? { scenario: options.scenario } : {}),
      };
      created.push(copy(request));
    }
    this.#changed();
    return created;
  }

  /**
   * The prescriptions arrive at the pharmacy: RX_RECEIVED goes out, and under Automatic Processing the pharmacy
   * creates the order itself right after. Returns the order number when it did.
   */
  receivePrescriptions(
    patientId: number,
    prescriptionIds: number[],
    mode = this.#deps.workflowMode(),
  ): string | undefined {
    const requests = prescriptionIds.map((id) => this.#prescription(id).request);
    this.#emit('RX_RECEIVED', rxReceivedEvent(this.#eventId(), patientId, this.#deps.clock.iso(), copy(requests)));
    if (mode !== 'automatic') return undefined;
    const patient = this.#patient(patientId);
    const methodId = 1;
    const deliverable = checkDeliverable(patient.address, methodId);
    // The pharmacy cannot refuse its own order: an address it cannot ship to becomes an exception instead of a 422.
    const addressHold: PlannedHold[] = deliverable.ok
      ? []
      : [{ reasonId: deliverable.errors.some((error) => error.code === 42231) ? 67 : 77, at: 'Processing' }];
    const record = this.#openOrder({
      patientId,
      items: requests.map((request) => ({
        prescription_id: request.prescription_id,
        quantity: 1,
        package_size: request.written_qty,
      })),
      address: patient.address,
      shippingMethodId: methodId,
      origin: 'automatic',
      reorderOf: null,
      extraHolds: addressHold,
    });
    return record.order.order_number;
  }

  // ---------------------------------------------------------------------------------------------- API

  getPatient(patientId: number): HoneybeeReply {
    const record = this.state.patients[patientId];
    if (!record) return notFound(`patient ${patientId} not found`);
    return { status: 200, body: { patient: copy(record.patient) } };
  }

  listPrescriptions(patientId: number): HoneybeeReply {
    if (!this.state.patients[patientId]) return notFound(`patient ${patientId} not found`);
    const requests = Object.values(this.state.prescriptions)
      .filter((record) => record.patientId === patientId)
      .map((record) => copy(record.request));
    const [key, form] = this.#deps.rxResponseShape().split('-') as [string, 'list' | 'object'];
    return { status: 200, body: { [key]: form === 'object' && requests.length === 1 ? requests[0] : requests } };
  }

  createOrder(body: unknown): HoneybeeReply {
    this.state.counters.createOrderRequests++;
    const parsed = parseCreateOrder(body);
    if (!parsed.ok) {
      this.#countRejected(prescriptionIdsIn(body));
      return parsed.reply;
    }
    const { input } = parsed;
    const rxIds = input.items.map((item) => item.prescription_id);
    const patient = this.state.patients[input.patientId]?.patient;
    if (!patient) {
      this.#countRejected(rxIds);
      return notFound(`patient ${input.patientId} not found`);
    }
    for (const item of input.items) {
      const record = this.state.prescriptions[item.prescription_id];
      if (!record || record.patientId !== input.patientId) {
        this.#countRejected(rxIds);
        return notFound(`prescription ${item.prescription_id} not found for patient ${input.patientId}`);
      }
    }
    const errors: HoneybeeError[] = [];
    input.items.forEach((item, index) => {
      const request = this.#prescription(item.prescription_id).request;
      if (item.ndc !== undefined && item.ndc !== request.ndc) {
        errors.push(codedError(42241, [{ field: `items[${index}].ndc`, message: 'does not match the prescription' }]));
      }
    });
    const address = input.address ?? patient.address;
    if (!input.address) {
      const onFile = checkDeliverable(address, input.shippingMethodId);
      if (!onFile.ok) errors.push(...onFile.errors);
    }
    if (errors.length > 0) {
      this.#countRejected(rxIds);
      return unprocessable(errors);
    }
    for (const rxId of rxIds) {
      const open = this.#ordersFor(rxId).find((record) => isOpen(record.order.status));
      if (open) {
        this.#counters(rxId).conflicts++;
        this.#changed();
        return conflict(
          `prescription ${rxId} already has an open order (${open.order.order_number}, ${open.order.status})`,
        );
      }
    }
    const allergic = input.items.some((item) => this.#intakeRulesOut(input.patientSafety, item.prescription_id));
    const record = this.#openOrder({
      patientId: input.patientId,
      items: input.items,
      address,
      shippingMethodId: input.shippingMethodId,
      origin: 'api',
      reorderOf: null,
      patientSafety: input.patientSafety,
      // The pharmacist's review finds the drug among the patient's allergies: 74 Allergy Detected.
      ...(allergic ? { extraHolds: [{ reasonId: 74, at: 'Processing' as const }] } : {}),
    });
    return { status: 201, body: { order: copy(record.order) } };
  }

  listOrders(patientId?: number): HoneybeeReply {
    const orders = Object.values(this.state.orders)
      .filter((record) => patientId === undefined || record.order.patient_id === patientId)
      .sort((a, b) => b.order.created_at.localeCompare(a.order.created_at) || b.createdSeq - a.createdSeq)
      .map((record) => copy(record.order));
    return { status: 200, body: { orders } };
  }

  getOrder(orderNumber: string): HoneybeeReply {
    const record = this.state.orders[orderNumber];
    if (!record) return notFound(`order ${orderNumber} not found`);
    return { status: 200, body: { order: copy(record.order) } };
  }

  orderAction(orderNumber: string, body: unknown): HoneybeeReply {
    const record = this.state.orders[orderNumber];
    if (!record) return notFound(`order ${orderNumber} not found`);
    if (!isRecord(body) || typeof body.action !== 'string' || !body.action) {
      return badRequest('the request is malformed', [{ field: 'action', message: 'is required' }]);
    }
    if (record.order.status !== 'On Hold') {
      return conflict(`order ${orderNumber} is ${record.order.status}, not On Hold`);
    }
    const offers = this.#acceptedActions(record);
    const offer = offers.find((action) => action.action === body.action);
    if (!offer) {
      const offered = offers.map((action) => action.action).join(', ');
      return unprocessable([
        codedError(42250, [{ field: 'action', message: `"${body.action}" is not offered; offered: ${offered}` }]),
      ]);
    }
    const missing = offer.fields.filter(
      (field) => body[field] === undefined || body[field] === null || body[field] === '',
    );
    if (missing.length > 0) {
      return unprocessable([
        codedError(
          42250,
          missing.map((field) => ({ field, message: 'is required' })),
        ),
      ]);
    }
    const checked = this.#checkActionFields(record, offer, body);
    if (!checked.ok) return unprocessable(checked.errors);

    if (offer.action === 'cancel_order') {
      this.#cancel(record);
      return { status: 204 };
    }
    if (checked.address) record.address = checked.address;
    if (offer.action === 'update_patient_email' && typeof body.email === 'string') {
      const patient = this.state.patients[record.order.patient_id];
      if (patient) patient.patient.email = body.email;
    }
    if (offer.action === 'confirm_quantity' && typeof body.quantity === 'number') {
      for (const item of record.order.items) item.quantity = body.quantity;
    }
    record.order.exception = null;
    record.order.order_actions = [];
    this.#setStatus(record, 'Filling');
    this.#emitUpdate(record, 'RX_UPDATED');
    this.#scheduleStep(record);
    return { status: 204 };
  }

  reorder(orderNumber: string): HoneybeeReply {
    const original = this.state.orders[orderNumber];
    if (!original) return notFound(`order ${orderNumber} not found`);
    if (original.order.status !== 'Shipped' && original.order.status !== 'Delivered') {
      return unprocessable([
        codedError(
          422,
          [{ field: 'order_number', message: `order is ${original.order.status}` }],
          'Only a Shipped or Delivered order can be reordered',
        ),
      ]);
    }
    const record = this.#openOrder({
      patientId: original.order.patient_id,
      items: original.order.items.map((item) => ({ ...item })),
      address: original.address,
      shippingMethodId: original.shippingMethodId,
      origin: 'reorder',
      reorderOf: orderNumber,
      fills: { ...original.fills },
    });
    return { status: 201, body: { order: copy(record.order) } };
  }

  updateOrderAddress(orderNumber: string, body: unknown): HoneybeeReply {
    const record = this.state.orders[orderNumber];
    if (!record) return notFound(`order ${orderNumber} not found`);
    if (!isRecord(body) || !isRecord(body.address)) {
      return badRequest('the request is malformed', [{ field: 'address', message: 'is required' }]);
    }
    const status = record.order.status;
    if (status === 'Shipped' || status === 'Delivered') {
      return unprocessable([codedError(42228, [{ field: 'address', message: `order is ${status}` }])]);
    }
    if (status === 'Canceled') return conflict(`order ${orderNumber} is Canceled`);
    const controlled = record.order.items.some((item) =>
      isControlled(this.state.prescriptions[item.prescription_id]?.request.drug_schedule ?? '0'),
    );
    if (controlled) {
      return unprocessable([
        codedError(42229, [{ field: 'address', message: 'the order holds a controlled substance' }]),
      ]);
    }
    const checked = checkAddress(body.address, record.shippingMethodId);
    if (!checked.ok) return unprocessable(checked.errors);
    record.address = checked.address;
    record.updatedAt = this.#deps.clock.iso();
    this.#changed();
    return { status: 204 };
  }

  addPatientAddress(patientId: number, body: unknown): HoneybeeReply {
    const record = this.state.patients[patientId];
    if (!record) return notFound(`patient ${patientId} not found`);
    if (!isRecord(body) || !isRecord(body.address)) {
      return badRequest('the request is malformed', [{ field: 'address', message: 'is required' }]);
    }
    const checked = checkAddress(body.address);
    if (!checked.ok) return unprocessable(checked.errors);
    record.patient.address = checked.address;
    this.#changed();
    return { status: 201, body: { address: copy(checked.address) } };
  }

  /** The vendor sandbox's one simulation: a new e-prescription, announced by RX_RECEIVED. */
  simulate(body: unknown): HoneybeeReply {
    if (!isRecord(body)) return badRequest('the body must be a JSON object');
    const simulation = body.simulation;
    if (body.simulation_type !== 'event' || !isRecord(simulation) || simulation.event_type !== 'RX_RECEIVED') {
      return unprocessable([
        codedError(
          422,
          [{ field: 'simulation', message: 'only simulation_type "event" with event_type RX_RECEIVED' }],
          'Unknown simulation',
        ),
      ]);
    }
    const partials = simulation.medication_requests ?? [{}];
    if (!Array.isArray(partials) || partials.length === 0 || !partials.every(isRecord)) {
      return badRequest('the request is malformed', [
        { field: 'simulation.medication_requests', message: 'must be a non-empty array of objects' },
      ]);
    }
    let patientId: number;
    if (simulation.patient_id !== undefined) {
      if (typeof simulation.patient_id !== 'number' || !this.state.patients[simulation.patient_id]) {
        return notFound(`patient ${JSON.stringify(simulation.patient_id)} not found`);
      }
      patientId = simulation.patient_id;
    } else {
      patientId = this.#deps.newPatient().patient_id;
    }
    const ids: number[] = [];
    for (const [index, partial] of partials.entries()) {
      const wanted = partial.id ?? partial.prescription_id;
      if (wanted !== undefined && (typeof wanted !== 'number' || !Number.isInteger(wanted) || wanted <= 0)) {
        return badRequest('the request is malformed', [
          { field: `simulation.medication_requests[${index}].id`, message: 'must be a positive integer' },
        ]);
      }
      if (typeof wanted === 'number' && this.state.prescriptions[wanted]) {
        return unprocessable([
          codedError(
            422,
            [{ field: `simulation.medication_requests[${index}].id`, message: 'already exists' }],
            'Prescription exists',
          ),
        ]);
      }
      const [request] = this.createPrescriptions(patientId, {
        ...(typeof partial.refills_left === 'number' ? { refills: partial.refills_left } : {}),
      });
      if (!request) continue;
      const record = this.#prescription(request.id);
      if (typeof wanted === 'number') {
        delete this.state.prescriptions[request.id];
        record.request = { ...record.request, id: wanted, prescription_id: wanted };
        this.state.prescriptions[wanted] = record;
      }
      for (const key of ['drug_name', 'ndc', 'sig_text', 'prescriber_name'] as const) {
        if (typeof partial[key] === 'string') record.request[key] = partial[key];
      }
      ids.push(record.request.id);
    }
    this.state.counters.simulations++;
    this.receivePrescriptions(patientId, ids);
    return { status: 202, body: { simulation_id: this.#deps.random.stream('honeybee.events').uuid() } };
  }

  /**
   * The partner places its own hold (ASSUMED endpoint, VENDOR-FACTS.md): exception 64 "Partner Hold", released with
   * the `release_hold` order action.
   */
  partnerHold(orderNumber: string, body: unknown): HoneybeeReply {
    if (!this.state.orders[orderNumber]) return notFound(`order ${orderNumber} not found`);
    const reason = isRecord(body) ? body.reason : undefined;
    if (typeof reason !== 'string' || !reason.trim() || reason.length > 1000) {
      return badRequest('the request is malformed', [{ field: 'reason', message: 'must be 1 to 1000 characters' }]);
    }
    return this.placeHold(orderNumber, 64);
  }

  // ---------------------------------------------------------------------------------------------- control

  /** Puts an order On Hold now with an exception reason (a partner hold by default), as a pharmacist would. */
  placeHold(orderNumber: string, reasonId = 64): HoneybeeReply {
    const record = this.state.orders[orderNumber];
    if (!record) return notFound(`order ${orderNumber} not found`);
    if (record.order.status !== 'Processing' && record.order.status !== 'Filling') {
      return conflict(`order ${orderNumber} is ${record.order.status}: only Processing or Filling orders can be held`);
    }
    this.#deps.clock.cancel(this.#stepKey(orderNumber));
    record.nextStepAt = null;
    this.#putOnHold(record, reasonId);
    return { status: 204 };
  }

  orderRecords(): OrderRecord[] {
    return Object.values(this.state.orders).map(copy);
  }

  patients(): HoneybeePatient[] {
    return Object.values(this.state.patients).map((record) => copy(record.patient));
  }

  counters(): {
    ordersCreated: number;
    createOrderRequests: number;
    simulations: number;
    ordersPerFill: Record<string, Record<string, number>>;
    prescriptions: Record<string, PrescriptionCounters>;
  } {
    const prescriptions = copy(this.state.counters.prescriptions);
    return {
      ordersCreated: Object.keys(this.state.orders).length,
      createOrderRequests: this.state.counters.createOrderRequests,
      simulations: this.state.counters.simulations,
      ordersPerFill: Object.fromEntries(Object.entries(prescriptions).map(([rx, counters]) => [rx, counters.byFill])),
      prescriptions,
    };
  }

  /** Re-arms the lifecycle timers of restored orders. */
  resume(): void {
    for (const record of Object.values(this.state.orders)) {
      if (record.nextStepAt !== null) {
        const at = record.nextStepAt;
        this.#deps.clock.scheduleAt(this.#stepKey(record.order.order_number), at, () =>
          this.#step(record.order.order_number),
        );
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  #openOrder(options: {
    patientId: number;
    items: CreateOrderItem[];
    address: HoneybeeAddress;
    shippingMethodId: number;
    origin: OrderRecord['origin'];
    reorderOf: string | null;
    fills?: Record<string, number>;
    extraHolds?: PlannedHold[];
    patientSafety?: Record<string, unknown>;
  }): OrderRecord {
    const now = this.#deps.clock.iso();
    const fills: Record<string, number> = {};
    const holds: PlannedHold[] = [...(options.extraHolds ?? [])];
    for (const item of options.items) {
      const rxId = item.prescription_id;
      const fill =
        options.fills?.[rxId] ??
        this.#ordersFor(rxId).filter((record) => record.origin !== 'reorder' && record.order.status !== 'Canceled')
          .length + 1;
      fills[rxId] = fill;
      const counters = this.#counters(rxId);
      if (options.origin === 'reorder') {
        counters.reorders++;
      } else {
        counters.ordersCreated++;
        counters.byFill[fill] = (counters.byFill[fill] ?? 0) + 1;
        const prescription = this.#prescription(rxId);
        if (fill >= 2) prescription.request.refills_left = Math.max(0, prescription.request.refills_left - 1);
        holds.push(...prescription.plannedHolds);
        prescription.plannedHolds = [];
      }
    }
    const orderNumber = this.#orderNumber();
    const order: HoneybeeOrder = {
      order_number: orderNumber,
      patient_id: options.patientId,
      created_at: now,
      status: 'Processing',
      items: options.items.map((item) => ({
        prescription_id: item.prescription_id,
        quantity: item.quantity,
        package_size: item.package_size ?? this.#prescription(item.prescription_id).request.written_qty,
      })),
      medication_dispenses: options.items.map((item) => ({
        dispense_id: this.state.nextDispenseId++,
        prescription_id: item.prescription_id,
        order_status: 'Processing',
        shipment: null,
      })),
      exception: null,
      order_actions: [],
    };
    const record: OrderRecord = {
      order,
      address: { ...options.address },
      shippingMethodId: options.shippingMethodId,
      fills,
      origin: options.origin,
      reorderOf: options.reorderOf,
      ...(options.patientSafety ? { patientSafety: options.patientSafety } : {}),
      pendingHolds: holds,
      nextStepAt: null,
      updatedAt: now,
      createdSeq: Object.keys(this.state.orders).length,
    };
    this.state.orders[orderNumber] = record;
    this.#emitUpdate(record, 'RX_UPDATED');
    this.#scheduleStep(record);
    return record;
  }

  #stepKey(orderNumber: string): string {
    return `honeybee:order:${orderNumber}`;
  }

  #scheduleStep(record: OrderRecord): void {
    const orderNumber = record.order.order_number;
    const at = this.#deps.clock.now() + this.#deps.stepDelayMs();
    record.nextStepAt = at;
    this.#deps.clock.scheduleAt(this.#stepKey(orderNumber), at, () => this.#step(orderNumber));
    this.#changed();
  }

  #step(orderNumber: string): void {
    const record = this.state.orders[orderNumber];
    if (!record) return;
    record.nextStepAt = null;
    const status = record.order.status;
    if (status === 'Processing' || status === 'Filling') {
      const hold = record.pendingHolds[0];
      // A planned hold strikes at the first step out of its point or later (after a resolution the order is Filling).
      if (hold && (status === 'Filling' || hold.at === 'Processing')) {
        record.pendingHolds.shift();
        this.#putOnHold(record, hold.reasonId);
        return;
      }
      if (status === 'Processing') {
        this.#setStatus(record, 'Filling');
        this.#emitUpdate(record, 'RX_UPDATED');
      } else {
        this.#ship(record);
      }
      this.#scheduleStep(record);
    } else if (status === 'Shipped') {
      this.#setStatus(record, 'Delivered');
      this.#emitUpdate(record, 'RX_UPDATED');
    }
    this.#changed();
  }

  #ship(record: OrderRecord): void {
    const random = this.#deps.random.stream('honeybee.shipping');
    const shippedAt = this.#deps.clock.iso();
    const ups = record.shippingMethodId !== 1;
    for (const dispense of record.order.medication_dispenses) {
      const trackingNo = ups ? `1Z${random.chars(16)}` : `9400${random.digits(18)}`;
      dispense.shipment = {
        tracking_no: trackingNo,
        tracking_url: ups
          ? `https://www.ups.com/track?tracknum=${trackingNo}`
          : `https://tools.usps.com/go/TrackConfirmAction?tLabels=${trackingNo}`,
        carrier: ups ? 'UPS' : 'USPS',
        shipped_at: shippedAt,
      };
    }
    this.#setStatus(record, 'Shipped');
    this.#emitUpdate(record, 'SHIPMENT_UPDATED');
  }

  /** The actions the reason of an order's exception documents (an unknown reason: cancellation only). */
  #reasonActions(reasonId: number): OrderActionOffer[] {
    return (exceptionReasonById(reasonId)?.actions ?? [CANCEL_ACTION]).map(toOffer);
  }

  /** What the pharmacy accepts for an On Hold order: the actions it listed, else its reason's documented ones. */
  #acceptedActions(record: OrderRecord): OrderActionOffer[] {
    if (record.order.order_actions.length > 0 || !record.order.exception) return record.order.order_actions;
    return this.#reasonActions(Number(record.order.exception.id));
  }

  #putOnHold(record: OrderRecord, reasonId: number): void {
    const reason = exceptionReasonById(reasonId);
    const writing = this.#deps.exceptionEvents();
    record.order.exception = {
      id: reasonId,
      name: reason?.name ?? `Exception ${reasonId}`,
      message: reason?.description ?? 'The pharmacy placed this order on hold',
    };
    // Reasons are an open set: one the table does not know offers only cancellation.
    record.order.order_actions = writing.actions === 'listed' ? this.#reasonActions(reasonId) : [];
    this.#setStatus(record, 'On Hold');
    this.#emitUpdate(record, 'RX_UPDATED');
    this.#emit(
      writing.eventType,
      orderExceptionEvent(this.#eventId(), copy(record.order), this.#deps.clock.iso(), writing.eventType),
      record.order.order_number,
    );
    this.#changed();
  }

  #cancel(record: OrderRecord): void {
    this.#deps.clock.cancel(this.#stepKey(record.order.order_number));
    record.nextStepAt = null;
    record.order.exception = null;
    record.order.order_actions = [];
    this.#setStatus(record, 'Canceled');
    for (const item of record.order.items) {
      this.#counters(item.prescription_id).canceled++;
      const fill = record.fills[item.prescription_id] ?? 1;
      const prescription = this.state.prescriptions[item.prescription_id];
      if (prescription && record.origin !== 'reorder' && fill >= 2) prescription.request.refills_left++;
    }
    this.#emitUpdate(record, 'RX_UPDATED');
    this.#changed();
  }

  /** True when an allergy the order's patient_safety lists names the prescription's drug (a name, or `{name}`). */
  #intakeRulesOut(patientSafety: Record<string, unknown>, prescriptionId: number): boolean {
    const allergies = Array.isArray(patientSafety.allergies) ? (patientSafety.allergies as unknown[]) : [];
    const named = allergies.flatMap((allergy) => {
      const name = typeof allergy === 'string' ? allergy : isRecord(allergy) ? allergy.name : undefined;
      return typeof name === 'string' ? [name.trim().toLowerCase()] : [];
    });
    const allergens = allergensOf(this.#prescription(prescriptionId).request);
    return named.some((name) => allergens.includes(name));
  }

  #setStatus(record: OrderRecord, status: HoneybeeOrderStatus): void {
    for (const dispense of record.order.medication_dispenses) dispense.order_status = status;
    record.order.status = overallStatus(record.order.medication_dispenses);
    record.updatedAt = this.#deps.clock.iso();
  }

  #checkActionFields(
    record: OrderRecord,
    offer: OrderActionOffer,
    body: Record<string, unknown>,
  ): { ok: true; address?: HoneybeeAddress } | { ok: false; errors: HoneybeeError[] } {
    const errors: HoneybeeError[] = [];
    let address: HoneybeeAddress | undefined;
    const invalid = (field: string, message: string) => errors.push(codedError(42250, [{ field, message }]));
    for (const field of offer.fields) {
      const value = body[field];
      switch (field) {
        case 'address': {
          const checked = checkAddress(value, record.shippingMethodId);
          if (checked.ok) address = checked.address;
          else errors.push(...checked.errors);
          break;
        }
        case 'email':
          if (!isValidEmail(value))
            errors.push(codedError(42201, [{ field, message: 'must be a valid email address' }]));
          break;
        case 'dob':
          if (!isValidDate(value)) invalid(field, 'must be a date YYYY-MM-DD');
          break;
        case 'quantity':
          if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
            invalid(field, 'must be a positive integer');
          break;
        case 'name':
          if (typeof value !== 'string' || !value.trim() || value.length > 35)
            invalid(field, 'must be 1 to 35 characters');
          break;
        default:
          if (typeof value !== 'string' || !value.trim() || value.length > 1000)
            invalid(field, 'must be 1 to 1000 characters');
      }
    }
    return errors.length > 0 ? { ok: false, errors } : { ok: true, ...(address ? { address } : {}) };
  }

  // ---------------------------------------------------------------------------------------------- helpers

  #emitUpdate(record: OrderRecord, eventType: 'RX_UPDATED' | 'SHIPMENT_UPDATED'): void {
    this.#emit(
      eventType,
      orderUpdateEvent(this.#eventId(), eventType, copy(record.order), this.#deps.clock.iso()),
      record.order.order_number,
    );
  }

  #emit(eventType: string, payload: { event_id: string }, subject?: string): void {
    this.#deps.emit({
      vendor: 'honeybee',
      eventType,
      eventId: payload.event_id,
      ...(subject ? { subject } : {}),
      payload,
    });
  }

  #eventId(): string {
    return this.#deps.random.stream('honeybee.events').uuid();
  }

  #orderNumber(): string {
    const random = this.#deps.random.stream('honeybee.ids');
    let orderNumber = `HB${random.chars(8, ORDER_NUMBER_ALPHABET)}`;
    while (this.state.orders[orderNumber]) orderNumber = `HB${random.chars(8, ORDER_NUMBER_ALPHABET)}`;
    return orderNumber;
  }

  #ordersFor(prescriptionId: number): OrderRecord[] {
    return Object.values(this.state.orders).filter(
      (record) =>
        record.order.items.some((item) => item.prescription_id === prescriptionId) ||
        record.order.medication_dispenses.some((dispense) => dispense.prescription_id === prescriptionId),
    );
  }

  #patient(patientId: number): HoneybeePatient {
    const record = this.state.patients[patientId];
    if (!record) throw new Error(`patient ${patientId} does not exist in the sandbox`);
    return record.patient;
  }

  #prescription(prescriptionId: number) {
    const record = this.state.prescriptions[prescriptionId];
    if (!record) throw new Error(`prescription ${prescriptionId} does not exist in the sandbox`);
    return record;
  }

  #counters(prescriptionId: number): PrescriptionCounters {
    const all = this.state.counters.prescriptions;
    return (all[prescriptionId] ??= {
      ordersCreated: 0,
      byFill: {},
      reorders: 0,
      canceled: 0,
      conflicts: 0,
      rejected: 0,
    });
  }

  #countRejected(prescriptionIds: number[]): void {
    for (const rxId of prescriptionIds) if (this.state.prescriptions[rxId]) this.#counters(rxId).rejected++;
    this.#changed();
  }

  #changed(): void {
    this.#deps.onChange?.();
  }
}

/** Best effort: the prescription ids a (possibly malformed) create-order body names, for the counters. */
function prescriptionIdsIn(body: unknown): number[] {
  if (!isRecord(body) || !Array.isArray(body.items)) return [];
  return body.items.flatMap((item: unknown) =>
    isRecord(item) && typeof item.prescription_id === 'number' ? [item.prescription_id] : [],
  );
}
