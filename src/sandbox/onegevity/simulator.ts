// The simulated Onegevity: kit orders with their fulfillment, on the sandbox clock. An order with
// `fulfillmentInformation` requests fulfillment at once; the lab reviews it one step later (accepted, or rejected as
// the patient's kit plan says), ships it, the kit is activated (by the API or a simulated patient), reaches the lab,
// and the results are released. Each move is announced with the seed's webhook topics and payloads.
import type { z } from 'zod';
import type { SandboxClock } from '../clock.js';
import type { RandomStreams } from '../random.js';
import type { WebhookEvent } from '../webhooks/delivery.js';
import {
  DEFAULT_KIT_PLAN,
  emptyOnegevityState,
  type FulfillmentInformation,
  type FulfillmentRecord,
  type FulfillmentStatus,
  type KitOrderRecord,
  type KitPlan,
  type KitStep,
  type OnegevityOrder,
  type OnegevityState,
  type OrderUpdateMode,
  type PatientInformation,
} from './model.js';
import { reportDocument } from './report-document.js';
import {
  createFulfillmentSchema,
  createOrderSchema,
  fieldErrorsOf,
  IDENTIFIER,
  updateOrderSchema,
  type FieldError,
} from './validation.js';

export interface OnegevityReply {
  status: number;
  body?: unknown;
}

export interface OnegevitySimulatorDeps {
  clock: SandboxClock;
  random: RandomStreams;
  emit: (event: WebhookEvent) => void;
  stepDelayMs: () => number;
  orderUpdates: () => OrderUpdateMode;
  /** Package identifiers and how many kit elements each holds. */
  packages: Readonly<Record<string, number>>;
  onChange?: () => void;
  state?: OnegevityState;
}

const ACTIVE_FULFILLMENT: ReadonlySet<FulfillmentStatus> = new Set(['REQUESTED', 'ACCEPTED', 'SHIPPED']);

function copy<T>(value: T): T {
  return structuredClone(value);
}

export function generalError(requestId: string, status: number, message: string): OnegevityReply {
  return { status, body: { id: requestId, message } };
}

export function validationError(
  requestId: string,
  globalErrors: string[],
  fieldErrors: FieldError[] = [],
): OnegevityReply {
  return { status: 400, body: { id: requestId, globalErrors, fieldErrors } };
}

export class OnegevitySimulator {
  readonly state: OnegevityState;
  readonly #deps: OnegevitySimulatorDeps;

  constructor(deps: OnegevitySimulatorDeps) {
    this.#deps = deps;
    this.state = deps.state ?? emptyOnegevityState();
  }

  // ---------------------------------------------------------------------------------------------- plans (scenarios)

  setPlan(patientIdentifier: string, plan: Partial<KitPlan>): KitPlan {
    const full = { ...DEFAULT_KIT_PLAN, ...this.state.plans[patientIdentifier], ...plan };
    this.state.plans[patientIdentifier] = full;
    this.#changed();
    return { ...full };
  }

  // ---------------------------------------------------------------------------------------------- API

  /**
   * POST /patients/{p}/orders. `fulfillmentRequestIdentifier`: the identifier of the fulfillment the order requests
   * (default its orderIdentifier, as the engine asks); an order placed in the patient's browser has one of its own.
   */
  createOrder(
    requestId: string,
    patientIdentifier: string,
    body: unknown,
    options: { fulfillmentRequestIdentifier?: string } = {},
  ): OnegevityReply {
    this.state.counters.createOrderRequests++;
    if (!IDENTIFIER.test(patientIdentifier)) {
      return this.#invalid(
        requestId,
        [],
        [{ fieldName: 'patientIdentifier', message: 'must be 1 to 64 letters, digits, _ or -' }],
      );
    }
    const parsed = createOrderSchema.safeParse(body);
    if (!parsed.success) return this.#invalidZod(requestId, parsed.error);
    const input = parsed.data;
    const elementCount = this.#deps.packages[input.packageIdentifier];
    if (elementCount === undefined) {
      return this.#invalid(
        requestId,
        [],
        [
          {
            fieldName: 'packageIdentifier',
            message: `unknown package; known: ${Object.keys(this.#deps.packages).join(', ')}`,
          },
        ],
      );
    }
    if (this.state.orders[input.orderIdentifier]) {
      this.state.counters.orderConflicts++;
      this.#changed();
      return generalError(requestId, 409, `order ${input.orderIdentifier} already exists`);
    }
    const information = normaliseInformation(input.patientInformation);
    this.#upsertPatient(patientIdentifier, information);
    const plan = { ...DEFAULT_KIT_PLAN, ...this.state.plans[patientIdentifier] };
    const record: KitOrderRecord = {
      id: this.#resourceId(),
      order: {
        orderIdentifier: input.orderIdentifier,
        patientIdentifier,
        packageIdentifier: input.packageIdentifier,
        status: 'CREATED',
        completed: false,
        createdAt: this.#deps.clock.iso(),
        elements: Array.from({ length: elementCount }, (_, index) => ({
          packageElementIdentifier: `EL-${index + 1}`,
          kitStatus: 'UNREGISTERED' as const,
          activationCode: null,
        })),
        fulfillment: null,
      },
      patientInformation: information,
      notes: input.notes ?? null,
      plan,
      rejectionsLeft: plan.rejectFirst,
      reports: [],
      nextStep: null,
      nextStepAt: null,
    };
    this.state.orders[input.orderIdentifier] = record;
    this.#emitOrder('order.created', record);
    if (input.fulfillmentInformation) {
      this.#requestFulfillment(
        record,
        options.fulfillmentRequestIdentifier ?? input.orderIdentifier,
        normaliseFulfillment(input.fulfillmentInformation),
      );
    }
    this.#changed();
    return { status: 201, body: copy(record.order) };
  }

  getOrder(requestId: string, patientIdentifier: string, orderIdentifier: string): OnegevityReply {
    const record = this.#order(patientIdentifier, orderIdentifier);
    if (!record) return generalError(requestId, 404, `order ${orderIdentifier} not found for this patient`);
    return { status: 200, body: copy(record.order) };
  }

  updateOrder(requestId: string, patientIdentifier: string, orderIdentifier: string, body: unknown): OnegevityReply {
    const record = this.#order(patientIdentifier, orderIdentifier);
    if (!record) return generalError(requestId, 404, `order ${orderIdentifier} not found for this patient`);
    const parsed = updateOrderSchema.safeParse(body);
    if (!parsed.success) return this.#invalidZod(requestId, parsed.error);
    const activations = parsed.data.kitActivations ?? [];
    const fieldErrors: FieldError[] = [];
    activations.forEach((activation, index) => {
      const element = record.order.elements.find(
        (candidate) => candidate.packageElementIdentifier === activation.packageElementIdentifier,
      );
      const at = `kitActivations[${index}]`;
      if (!element) {
        fieldErrors.push({ fieldName: `${at}.packageElementIdentifier`, message: 'no such element in this order' });
      } else if (element.kitStatus === 'UNREGISTERED') {
        fieldErrors.push({ fieldName: `${at}.packageElementIdentifier`, message: 'the kit has not shipped yet' });
      } else if (element.activationCode !== null && element.activationCode !== activation.activationCode) {
        fieldErrors.push({ fieldName: `${at}.activationCode`, message: 'the kit was activated with another code' });
      }
    });
    if (fieldErrors.length > 0) return this.#invalid(requestId, [], fieldErrors);
    if (parsed.data.notes !== undefined) record.notes = parsed.data.notes;
    for (const activation of activations) {
      if (this.#activate(record, activation.packageElementIdentifier, activation.activationCode)) {
        this.state.counters.kitActivations.api++;
      }
    }
    this.#afterActivation(record);
    this.#changed();
    return { status: 200, body: copy(record.order) };
  }

  getReports(
    requestId: string,
    patientIdentifier: string,
    orderIdentifier: string,
    query: { pageNumber?: string; pageSize?: string },
  ): OnegevityReply {
    const record = this.#order(patientIdentifier, orderIdentifier);
    if (!record) return generalError(requestId, 404, `order ${orderIdentifier} not found for this patient`);
    const pageNumber = Number(query.pageNumber ?? '1');
    const pageSize = Number(query.pageSize ?? '20');
    const fieldErrors: FieldError[] = [];
    if (!Number.isInteger(pageNumber) || pageNumber < 1)
      fieldErrors.push({ fieldName: 'pageNumber', message: 'must be an integer ≥ 1' });
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      fieldErrors.push({ fieldName: 'pageSize', message: 'must be an integer from 1 to 100' });
    }
    if (fieldErrors.length > 0) return this.#invalid(requestId, [], fieldErrors);
    const content = record.reports.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(copy);
    return {
      status: 200,
      body: { pageNumber, numberOfElements: content.length, totalNumberOfElements: record.reports.length, content },
    };
  }

  /** One released report's document (ASSUMED endpoint, VENDOR-FACTS.md): a PDF. */
  getReport(
    requestId: string,
    patientIdentifier: string,
    orderIdentifier: string,
    reportIdentifier: string,
  ): OnegevityReply & { contentType?: string } {
    const record = this.#order(patientIdentifier, orderIdentifier);
    if (!record) return generalError(requestId, 404, `order ${orderIdentifier} not found for this patient`);
    const report = record.reports.find((candidate) => candidate.reportIdentifier === reportIdentifier);
    if (!report) return generalError(requestId, 404, `report ${reportIdentifier} not found for this order`);
    return { status: 200, body: reportDocument(report, orderIdentifier), contentType: 'application/pdf' };
  }

  createFulfillment(requestId: string, body: unknown): OnegevityReply {
    const parsed = createFulfillmentSchema.safeParse(body);
    if (!parsed.success) return this.#invalidZod(requestId, parsed.error);
    const input = parsed.data;
    if (this.state.fulfillments[input.requestIdentifier]) {
      this.state.counters.fulfillmentConflicts++;
      this.#changed();
      return generalError(requestId, 409, `fulfillment request ${input.requestIdentifier} already exists`);
    }
    const record = this.state.orders[input.orderIdentifier];
    if (!record) {
      return this.#invalid(requestId, [], [{ fieldName: 'orderIdentifier', message: 'no such order' }]);
    }
    if (record.order.patientIdentifier !== input.patientIdentifier) {
      return this.#invalid(requestId, [], [{ fieldName: 'patientIdentifier', message: 'does not match the order' }]);
    }
    const current = record.order.fulfillment;
    if (current && ACTIVE_FULFILLMENT.has(current.status)) {
      this.state.counters.fulfillmentConflicts++;
      this.#changed();
      return generalError(
        requestId,
        409,
        `order ${input.orderIdentifier} already has fulfillment request ${current.requestIdentifier} (${current.status})`,
      );
    }
    const created = this.#requestFulfillment(
      record,
      input.requestIdentifier,
      normaliseFulfillment(input.fulfillmentInformation),
    );
    this.#changed();
    return { status: 201, body: copy(created.request) };
  }

  getFulfillment(requestId: string, requestIdentifier: string): OnegevityReply {
    const record = this.state.fulfillments[requestIdentifier];
    if (!record) return generalError(requestId, 404, `fulfillment request ${requestIdentifier} not found`);
    return { status: 200, body: copy(record.request) };
  }

  cancelFulfillment(requestId: string, requestIdentifier: string): OnegevityReply {
    const fulfillment = this.state.fulfillments[requestIdentifier];
    if (!fulfillment) return generalError(requestId, 404, `fulfillment request ${requestIdentifier} not found`);
    const status = fulfillment.request.status;
    if (status === 'CANCELED') return { status: 200, body: copy(fulfillment.request) };
    if (status === 'SHIPPED' || status === 'REJECTED') {
      return generalError(requestId, 409, `fulfillment request ${requestIdentifier} is ${status}`);
    }
    const order = this.state.orders[fulfillment.request.orderIdentifier];
    this.#setFulfillmentStatus(fulfillment, order, 'CANCELED');
    if (order && order.order.fulfillment?.requestIdentifier === requestIdentifier) {
      order.order.status = 'CANCELED';
      this.#clearStep(order);
    }
    this.#emitFulfillment('fulfillment.canceled', fulfillment);
    if (order) this.#orderGainedInformation(order);
    this.#changed();
    return { status: 200, body: copy(fulfillment.request) };
  }

  // ---------------------------------------------------------------------------------------------- control

  /** A simulated patient activates the kit now (the kit must have shipped). */
  activateAsPatient(
    orderIdentifier: string,
  ): { ok: true; order: OnegevityOrder } | { ok: false; missing: boolean; message: string } {
    const record = this.state.orders[orderIdentifier];
    if (!record) return { ok: false, missing: true, message: `order ${orderIdentifier} not found` };
    const waiting = record.order.elements.filter((element) => element.kitStatus === 'NOT_ACTIVATED');
    if (waiting.length === 0) {
      return { ok: false, missing: false, message: `order ${orderIdentifier} has no shipped, unactivated kit` };
    }
    for (const element of waiting) {
      if (this.#activate(record, element.packageElementIdentifier, this.#activationCode())) {
        this.state.counters.kitActivations.patient++;
      }
    }
    this.#afterActivation(record);
    this.#changed();
    return { ok: true, order: copy(record.order) };
  }

  orderRecords(): KitOrderRecord[] {
    return Object.values(this.state.orders).map(copy);
  }

  counters() {
    const { counters } = this.state;
    return {
      ordersCreated: Object.keys(this.state.orders).length,
      createOrderRequests: counters.createOrderRequests,
      orderConflicts: counters.orderConflicts,
      fulfillmentRequestsPerOrder: { ...counters.fulfillmentRequestsPerOrder },
      fulfillmentConflicts: counters.fulfillmentConflicts,
      validationErrors: counters.validationErrors,
      kitActivations: { ...counters.kitActivations },
    };
  }

  resume(): void {
    for (const record of Object.values(this.state.orders)) {
      if (record.nextStep && record.nextStepAt !== null) this.#schedule(record, record.nextStep, record.nextStepAt);
    }
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  #requestFulfillment(
    record: KitOrderRecord,
    requestIdentifier: string,
    information: FulfillmentInformation,
  ): FulfillmentRecord {
    const fulfillment: FulfillmentRecord = {
      id: this.#resourceId(),
      request: {
        requestIdentifier,
        orderIdentifier: record.order.orderIdentifier,
        patientIdentifier: record.order.patientIdentifier,
        status: 'REQUESTED',
        fulfillmentInformation: information,
        trackingNumber: null,
        trackingUrl: null,
      },
    };
    this.state.fulfillments[requestIdentifier] = fulfillment;
    const perOrder = this.state.counters.fulfillmentRequestsPerOrder;
    perOrder[record.order.orderIdentifier] = (perOrder[record.order.orderIdentifier] ?? 0) + 1;
    record.order.fulfillment = {
      requestIdentifier,
      status: 'REQUESTED',
      trackingNumber: null,
      trackingUrl: null,
      rejectionReason: null,
    };
    record.order.status = 'FULFILLMENT_REQUESTED';
    this.#emitFulfillment('fulfillment.requested', fulfillment);
    this.#orderGainedInformation(record);
    this.#scheduleIn(record, 'review');
    return fulfillment;
  }

  #step(orderIdentifier: string, step: KitStep): void {
    const record = this.state.orders[orderIdentifier];
    if (!record) return;
    record.nextStep = null;
    record.nextStepAt = null;
    const fulfillment = record.order.fulfillment
      ? this.state.fulfillments[record.order.fulfillment.requestIdentifier]
      : undefined;
    switch (step) {
      case 'review': {
        if (!fulfillment || fulfillment.request.status !== 'REQUESTED') break;
        if (record.rejectionsLeft > 0) {
          record.rejectionsLeft--;
          this.#setFulfillmentStatus(fulfillment, record, 'REJECTED', record.plan.rejectReason);
          record.order.status = 'REJECTED';
          this.#emitFulfillment('fulfillment.rejected', fulfillment, { reason: record.plan.rejectReason });
          this.#orderGainedInformation(record);
        } else {
          this.#setFulfillmentStatus(fulfillment, record, 'ACCEPTED');
          record.order.status = 'ACCEPTED';
          this.#emitFulfillment('fulfillment.accepted', fulfillment);
          this.#orderGainedInformation(record);
          this.#scheduleIn(record, 'ship');
        }
        break;
      }
      case 'ship': {
        if (!fulfillment || fulfillment.request.status !== 'ACCEPTED') break;
        const trackingNumber = this.#deps.random.stream('onegevity.shipping').digits(12);
        fulfillment.request.trackingNumber = trackingNumber;
        fulfillment.request.trackingUrl = `https://www.fedex.com/fedextrack/?trknbr=${trackingNumber}`;
        this.#setFulfillmentStatus(fulfillment, record, 'SHIPPED');
        record.order.status = 'SHIPPED';
        for (const element of record.order.elements) element.kitStatus = 'NOT_ACTIVATED';
        this.#emitFulfillment('fulfillment.shipped', fulfillment, {
          trackingNumber,
          trackingUrl: fulfillment.request.trackingUrl,
        });
        this.#orderGainedInformation(record);
        if (record.plan.activation === 'patient') this.#scheduleIn(record, 'activate');
        break;
      }
      case 'activate':
        this.activateAsPatient(orderIdentifier);
        return;
      case 'lab':
        for (const element of record.order.elements) element.kitStatus = 'AT_LAB';
        this.#emitOrder('order.updated', record);
        this.#scheduleIn(record, 'release');
        break;
      case 'release': {
        for (const element of record.order.elements) element.kitStatus = 'COMPLETED';
        record.order.status = 'RESULTS_RELEASED';
        record.order.completed = true;
        record.reports.push({
          reportIdentifier: `R-${this.#deps.random.stream('onegevity.ids').chars(8)}`,
          name: 'Health Intelligence Report',
          releasedAt: this.#deps.clock.iso(),
        });
        this.#emitOrder('results.released', record);
        this.#orderGainedInformation(record);
        break;
      }
    }
    this.#changed();
  }

  /** Sets one element ACTIVATED; true when it changed (a repeat with the same code is a no-op). */
  #activate(record: KitOrderRecord, elementId: string, code: string): boolean {
    const element = record.order.elements.find((candidate) => candidate.packageElementIdentifier === elementId);
    if (!element || element.kitStatus !== 'NOT_ACTIVATED') return false;
    element.kitStatus = 'ACTIVATED';
    element.activationCode = code;
    this.#emit('kit.activated', record.order.orderIdentifier, {
      id: record.id,
      orderIdentifier: record.order.orderIdentifier,
      patientIdentifier: record.order.patientIdentifier,
      activationCode: code,
    });
    this.#orderGainedInformation(record);
    return true;
  }

  /** Once every kit element is activated, the order is ACTIVATED and the samples head to the lab. */
  #afterActivation(record: KitOrderRecord): void {
    const allActivated = record.order.elements.every((element) => element.kitStatus === 'ACTIVATED');
    if (!allActivated || record.order.status !== 'SHIPPED') return;
    record.order.status = 'ACTIVATED';
    this.#scheduleIn(record, 'lab');
  }

  #setFulfillmentStatus(
    fulfillment: FulfillmentRecord,
    order: KitOrderRecord | undefined,
    status: FulfillmentStatus,
    rejectionReason?: string,
  ): void {
    fulfillment.request.status = status;
    if (order?.order.fulfillment?.requestIdentifier === fulfillment.request.requestIdentifier) {
      order.order.fulfillment = {
        requestIdentifier: fulfillment.request.requestIdentifier,
        status,
        trackingNumber: fulfillment.request.trackingNumber,
        trackingUrl: fulfillment.request.trackingUrl,
        rejectionReason: rejectionReason ?? null,
      };
    }
  }

  #scheduleIn(record: KitOrderRecord, step: KitStep): void {
    this.#schedule(record, step, this.#deps.clock.now() + this.#deps.stepDelayMs());
  }

  #schedule(record: KitOrderRecord, step: KitStep, at: number): void {
    const orderIdentifier = record.order.orderIdentifier;
    record.nextStep = step;
    record.nextStepAt = at;
    this.#deps.clock.scheduleAt(`onegevity:order:${orderIdentifier}`, at, () => this.#step(orderIdentifier, step));
  }

  #clearStep(record: KitOrderRecord): void {
    this.#deps.clock.cancel(`onegevity:order:${record.order.orderIdentifier}`);
    record.nextStep = null;
    record.nextStepAt = null;
  }

  #upsertPatient(patientIdentifier: string, information: PatientInformation): void {
    const existing = this.state.patients[patientIdentifier];
    if (!existing) {
      const id = this.#resourceId();
      this.state.patients[patientIdentifier] = { id, patientIdentifier, information };
      this.#emit('patient.created', undefined, { id, patientIdentifier });
    } else if (JSON.stringify(existing.information) !== JSON.stringify(information)) {
      existing.information = information;
      this.#emit('patient.updated', undefined, { id: existing.id, patientIdentifier });
    }
  }

  #order(patientIdentifier: string, orderIdentifier: string): KitOrderRecord | undefined {
    const record = this.state.orders[orderIdentifier];
    return record && record.order.patientIdentifier === patientIdentifier ? record : undefined;
  }

  #emitOrder(topic: string, record: KitOrderRecord): void {
    this.#emit(topic, record.order.orderIdentifier, {
      id: record.id,
      orderIdentifier: record.order.orderIdentifier,
      patientIdentifier: record.order.patientIdentifier,
    });
  }

  /** Onegevity's "re-read me": the same body each time (the seed's payload has nothing that changes). */
  #orderGainedInformation(record: KitOrderRecord): void {
    if (this.#deps.orderUpdates() === 'every-change') this.#emitOrder('order.updated', record);
  }

  #emitFulfillment(topic: string, fulfillment: FulfillmentRecord, extra: Record<string, unknown> = {}): void {
    this.#emit(topic, fulfillment.request.requestIdentifier, {
      id: fulfillment.id,
      requestorId: fulfillment.request.requestIdentifier,
      ...extra,
    });
  }

  #emit(topic: string, subject: string | undefined, payload: Record<string, unknown>): void {
    this.#deps.emit({ vendor: 'onegevity', eventType: topic, ...(subject ? { subject } : {}), payload });
  }

  #resourceId(): number {
    return this.#deps.random.stream('onegevity.ids').int(1_000_000, 9_999_999);
  }

  #activationCode(): string {
    return `TH-${this.#deps.random.stream('onegevity.ids').chars(6)}`;
  }

  #invalid(requestId: string, globalErrors: string[], fieldErrors: FieldError[]): OnegevityReply {
    this.state.counters.validationErrors++;
    this.#changed();
    return validationError(requestId, globalErrors, fieldErrors);
  }

  #invalidZod(requestId: string, error: z.ZodError): OnegevityReply {
    const { globalErrors, fieldErrors } = fieldErrorsOf(error);
    return this.#invalid(requestId, globalErrors, fieldErrors);
  }

  #changed(): void {
    this.#deps.onChange?.();
  }
}

function normaliseAddress<T extends { streetAddress2?: string | null | undefined }>(address: T) {
  return { ...address, streetAddress2: address.streetAddress2 ?? null };
}

function normaliseInformation(information: PatientInformation): PatientInformation {
  return { ...information, address: normaliseAddress(information.address) };
}

function normaliseFulfillment(information: FulfillmentInformation): FulfillmentInformation {
  return { ...information, shippingAddress: normaliseAddress(information.shippingAddress) };
}
