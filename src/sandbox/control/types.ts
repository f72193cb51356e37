// What the control API answers with, shared by the server routes, the typed client, the CLI and the tests.
import type { PendingTask } from '../clock.js';
import type { SandboxEndpoint } from '../endpoints.js';
import type { FaultRule } from '../faults.js';
import type {
  ExceptionActionListing,
  ExceptionEventType,
  HoneybeeOrder,
  OrderRecord,
  RxResponseShape,
} from '../honeybee/model.js';

import type { KitOrderRecord, OrderUpdateMode } from '../onegevity/model.js';
import type { ReceivedNotification } from '../partner/inbox.js';
import type { EndpointStats, RequestLogEntry } from '../requests.js';
import type { GeneratedPatient, ScenarioResult } from '../scenarios.js';
import type {
  DeliveryPolicy,
  DeliverySwitches,
  VendorDeliveryStats,
  WebhookDelivery,
  WebhookVendor,
} from '../webhooks/delivery.js';
import type { Vendor } from '../../domain/vendors.js';

export type { FaultRule, GeneratedPatient, HoneybeeOrder, ReceivedNotification, ScenarioResult, WebhookDelivery };

export interface SandboxHealth {
  status: 'ok';
  seed: number;
  now: string;
  workflowMode: 'automatic' | 'partner_requested';
  stepDelayMs: number;
}

export interface ScenarioSummary {
  name: string;
  vendor: Vendor;
  description: string;
}

export interface ClockView {
  now: string;
  offsetMs: number;
  stepDelayMs: number;
  pending: PendingTask[];
}

export interface SettingsView {
  stepDelayMs: number;
  workflowMode: 'automatic' | 'partner_requested';
  rxResponseShape: RxResponseShape;
  exceptionEventType: ExceptionEventType;
  exceptionActions: ExceptionActionListing;
  onegevityOrderUpdates: OrderUpdateMode;
}

export interface WebhookSettingsView {
  targets: Record<WebhookVendor, string>;
  duplicate: boolean;
  reorder: DeliverySwitches['reorder'];
  policy: DeliveryPolicy;
}

export interface PrescriptionCountersView {
  ordersCreated: number;
  byFill: Record<string, number>;
  reorders: number;
  canceled: number;
  conflicts: number;
  rejected: number;
}

export interface SandboxCounters {
  now: string;
  honeybee: {
    ordersCreated: number;
    createOrderRequests: number;
    simulations: number;
    /** prescription id → fill number → orders created for it (reorders apart). */
    ordersPerFill: Record<string, Record<string, number>>;
    prescriptions: Record<string, PrescriptionCountersView>;
    tokensIssued: number;
  };
  onegevity: {
    ordersCreated: number;
    createOrderRequests: number;
    orderConflicts: number;
    fulfillmentRequestsPerOrder: Record<string, number>;
    fulfillmentConflicts: number;
    validationErrors: number;
    kitActivations: { api: number; patient: number };
    tokensIssued: number;
  };
  webhooks: Record<WebhookVendor, VendorDeliveryStats>;
  partner: { received: number; accepted: number; rejected: number; duplicates: number };
  requests: Record<string, EndpointStats>;
}

export interface ControlApi {
  health: SandboxHealth;
  scenarios: { scenarios: ScenarioSummary[] };
  endpoints: { endpoints: SandboxEndpoint[] };
  faults: { faults: FaultRule[] };
  fault: { fault: FaultRule };
  clock: ClockView;
  settings: { settings: SettingsView };
  counters: SandboxCounters;
  webhooks: { deliveries: WebhookDelivery[]; settings: WebhookSettingsView };
  webhookSettings: { settings: WebhookSettingsView };
  patients: { patients: GeneratedPatient[] };
  honeybeeOrders: { orders: OrderRecord[] };
  onegevityOrders: { orders: KitOrderRecord[] };
  notifications: { notifications: ReceivedNotification[] };
  requests: { requests: RequestLogEntry[] };
}
