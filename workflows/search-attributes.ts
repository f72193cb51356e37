// The engine's custom search attributes: what operators filter on in the Web UI and what `fulfill holds` lists.
// None of them may carry PHI: only vendor ids, stages and flags. The dev server and docker-compose register exactly
// this list (src/temporal/dev-server.ts, docker-compose.yml).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const FulfillmentStage = defineSearchAttributeKey('FulfillmentStage', SearchAttributeType.KEYWORD);
export const HoneybeePrescriptionId = defineSearchAttributeKey('HoneybeePrescriptionId', SearchAttributeType.KEYWORD);
export const HoneybeeOrderNumber = defineSearchAttributeKey('HoneybeeOrderNumber', SearchAttributeType.KEYWORD);
export const LabOrderId = defineSearchAttributeKey('LabOrderId', SearchAttributeType.KEYWORD);
export const ExceptionReason = defineSearchAttributeKey('ExceptionReason', SearchAttributeType.KEYWORD);
export const NeedsOperator = defineSearchAttributeKey('NeedsOperator', SearchAttributeType.BOOL);
export const EscalationLevel = defineSearchAttributeKey('EscalationLevel', SearchAttributeType.INT);
export const OnHoldSince = defineSearchAttributeKey('OnHoldSince', SearchAttributeType.DATETIME);

export const ENGINE_SEARCH_ATTRIBUTES = [
  FulfillmentStage,
  HoneybeePrescriptionId,
  HoneybeeOrderNumber,
  LabOrderId,
  ExceptionReason,
  NeedsOperator,
  EscalationLevel,
  OnHoldSince,
] as const;
