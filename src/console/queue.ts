// The console's queue: everything that waits for an operator, oldest first, in one list. Workflows come from
// `listHolds` (the same reading as `fulfill holds`: visibility through src/operators/needs-operator.ts, then each
// workflow's status for its reason, actions and next escalation, or `workflow task failing: …`); parked events from
// src/operators/parked-events.ts, only those waiting for an operator (its `awaitingOperator`, as `fulfill parked` and
// the partner API count them: not those kept for the record, nor those re-driven already). Filters: vendor, kind,
// and a text search over ids and reasons.
import type { Client } from '@temporalio/client';
import { readHolds, stuckScanNote } from '../cli/operators/holds.js';
import type { Vendor } from '../domain/vendors.js';
import { awaitingOperator, type ParkedEvents } from '../operators/parked-events.js';
import { vendorOfWorkflow } from './workflow-detail.js';

/** Holds read per refresh: more than a shift can clear, and each costs a status query. */
export const QUEUE_LIMIT = 200;

/** The scan for stuck workflows not on hold (a describe per running workflow) is reused this long between refreshes. */
export const STUCK_SCAN_MAX_AGE_MS = 60_000;

export const QUEUE_KINDS = ['all', 'holds', 'stuck', 'parked'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

export interface QueueFilters {
  vendor?: Vendor;
  kind: QueueKind;
  /** Matched, case-insensitively, against ids, reasons, topics and actions. */
  search?: string;
}

export interface QueueRow {
  kind: 'hold' | 'parked';
  /** The workflow id, or the parked event's id. */
  id: string;
  vendor?: Vendor;
  /** What it is, for people: "Honeybee order HB123", "parked Onegevity patient.created". */
  title: string;
  href: string;
  reason: string;
  /** null for parked events: they do not escalate. */
  escalationLevel: number | null;
  nextEscalationAt: string | null;
  since: string;
  stuck: boolean;
  /** Offered actions; null when unknown (no answer, stuck) or not applicable. */
  actions: string[] | null;
  stage?: string;
}

export interface QueueReading {
  rows: QueueRow[];
  /** Before filtering; `parked`: those waiting for an operator. */
  totals: { holds: number; stuck: number; parked: number };
  problems: string[];
}

const VENDOR_NAMES: Readonly<Record<Vendor, string>> = { honeybee: 'Honeybee', onegevity: 'Onegevity' };

export function vendorName(vendor: Vendor | undefined): string {
  return vendor ? VENDOR_NAMES[vendor] : 'unknown vendor';
}

function holdTitle(hold: {
  workflowId: string;
  orderNumber: string | null;
  prescriptionId: string | null;
  labOrderId: string | null;
}) {
  if (hold.workflowId.startsWith('honeybee-order-'))
    return `Honeybee order ${hold.orderNumber ?? hold.workflowId.slice(15)}`;
  if (hold.workflowId.startsWith('honeybee-rx-'))
    return `prescription ${hold.prescriptionId ?? hold.workflowId.slice(12)}`;
  if (hold.workflowId.startsWith('onegevity-order-'))
    return `lab order ${hold.labOrderId ?? hold.workflowId.slice(16)}`;
  return hold.workflowId;
}

function matches(row: QueueRow, filters: QueueFilters): boolean {
  if (filters.vendor && row.vendor !== filters.vendor) return false;
  if (filters.kind === 'holds' && row.kind !== 'hold') return false;
  if (filters.kind === 'stuck' && !row.stuck) return false;
  if (filters.kind === 'parked' && row.kind !== 'parked') return false;
  const search = filters.search?.trim().toLowerCase();
  if (!search) return true;
  return [row.id, row.title, row.reason, row.stage ?? '', ...(row.actions ?? [])].some((text) =>
    text.toLowerCase().includes(search),
  );
}

export async function readQueue(client: Client, parked: ParkedEvents, filters: QueueFilters): Promise<QueueReading> {
  const problems: string[] = [];
  const [holds, parkedListing] = await Promise.all([
    readHolds(client, QUEUE_LIMIT, { stuckMaxAgeMs: STUCK_SCAN_MAX_AGE_MS })
      .then(({ holds, stuckScan }) => {
        const note = stuckScanNote(stuckScan);
        if (note) problems.push(note);
        return holds;
      })
      .catch((error: unknown) => {
        problems.push(`the holds could not be listed: ${error instanceof Error ? error.message : String(error)}`);
        return [];
      }),
    parked.list(),
  ]);
  problems.push(...parkedListing.problems);
  const parkedWaiting = awaitingOperator(parkedListing.events);
  const rows: QueueRow[] = [
    ...holds.map((hold): QueueRow => {
      const vendor = vendorOfWorkflow(hold.workflowId);
      return {
        kind: 'hold',
        id: hold.workflowId,
        ...(vendor ? { vendor } : {}),
        title: holdTitle(hold),
        href: `/console/workflows/${encodeURIComponent(hold.workflowId)}`,
        reason: hold.reason,
        escalationLevel: hold.escalationLevel,
        nextEscalationAt: hold.nextEscalationAt,
        since: hold.since,
        stuck: hold.workflowTaskFailing !== undefined,
        actions: hold.actions,
        ...(hold.stage ? { stage: hold.stage } : {}),
      };
    }),
    ...parkedWaiting.map((event): QueueRow => ({
      kind: 'parked',
      id: event.id,
      vendor: event.vendor,
      title: `parked ${vendorName(event.vendor)} ${event.topic ?? 'event'}`,
      href: `/console/parked/${event.id}`,
      reason: event.reason,
      escalationLevel: null,
      nextEscalationAt: null,
      since: event.receivedAt,
      stuck: false,
      actions: null,
    })),
  ].sort((a, b) => a.since.localeCompare(b.since));
  return {
    rows: rows.filter((row) => matches(row, filters)),
    totals: {
      holds: holds.length,
      stuck: rows.filter((row) => row.stuck).length,
      parked: parkedWaiting.length,
    },
    problems,
  };
}
