#!/bin/sh
# Registers the engine's namespace and its custom search attributes (the list in workflows/search-attributes.ts;
# test/unit/docker-compose.test.ts keeps the two in step). Idempotent.
set -eu
NS="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 2; done
temporal operator namespace describe --namespace "$NS" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$NS" --retention 30d --address "$TEMPORAL_ADDRESS"
for attribute in \
  FulfillmentStage=Keyword \
  HoneybeePrescriptionId=Keyword \
  HoneybeeOrderNumber=Keyword \
  LabOrderId=Keyword \
  ExceptionReason=Keyword \
  NeedsOperator=Bool \
  EscalationLevel=Int \
  OnHoldSince=Datetime; do
  temporal operator search-attribute create --namespace "$NS" --address "$TEMPORAL_ADDRESS" \
    --name "${attribute%%=*}" --type "${attribute#*=}" || true
done
echo "Namespace $NS and search attributes are registered."
