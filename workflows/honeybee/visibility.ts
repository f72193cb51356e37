// Search attributes of the Honeybee workflows, kept in step with their state: only what changed is upserted (each
// upsert is a history event), and nothing in them is PHI (stages, vendor ids, exception reasons, flags).
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  EscalationLevel,
  ExceptionReason,
  FulfillmentStage,
  HoneybeeOrderNumber,
  HoneybeePrescriptionId,
  NeedsOperator,
  OnHoldSince,
} from '../search-attributes.js';

export interface HoneybeeVisibility {
  stage: string;
  prescriptionId?: string;
  orderNumber?: string;
  /** e.g. "74 Allergy Detected". */
  exceptionReason?: string;
  needsOperator: boolean;
  escalationLevel: number;
  onHoldSince?: string;
}

type Value = string | number | boolean | undefined;

/** Returns a function that upserts the attributes whose value differs from the last one it upserted. */
export function createVisibilitySync(): (visibility: HoneybeeVisibility) => void {
  const applied = new Map<string, Value>();
  return (visibility) => {
    const updates: SearchAttributeUpdatePair[] = [];
    const changed = (name: string, value: Value): boolean => {
      if (applied.get(name) === value) return false;
      // Never set: nothing to clear.
      if (value === undefined && !applied.has(name)) return false;
      applied.set(name, value);
      return true;
    };
    if (changed('stage', visibility.stage)) updates.push({ key: FulfillmentStage, value: visibility.stage });
    if (changed('prescriptionId', visibility.prescriptionId)) {
      updates.push({ key: HoneybeePrescriptionId, value: visibility.prescriptionId ?? null });
    }
    if (changed('orderNumber', visibility.orderNumber)) {
      updates.push({ key: HoneybeeOrderNumber, value: visibility.orderNumber ?? null });
    }
    if (changed('exceptionReason', visibility.exceptionReason)) {
      updates.push({ key: ExceptionReason, value: visibility.exceptionReason ?? null });
    }
    if (changed('needsOperator', visibility.needsOperator)) {
      updates.push({ key: NeedsOperator, value: visibility.needsOperator });
    }
    if (changed('escalationLevel', visibility.escalationLevel)) {
      updates.push({ key: EscalationLevel, value: visibility.escalationLevel });
    }
    if (changed('onHoldSince', visibility.onHoldSince)) {
      updates.push({
        key: OnHoldSince,
        value: visibility.onHoldSince === undefined ? null : new Date(visibility.onHoldSince),
      });
    }
    if (updates.length > 0) upsertSearchAttributes(updates);
  };
}
