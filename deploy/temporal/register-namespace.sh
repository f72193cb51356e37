#!/bin/sh
# Registers the engine's namespace (retention, archival) and its custom search attributes (the list in
# workflows/search-attributes.ts; test/unit/docker-compose.test.ts keeps the two in step), then checks that every
# attribute is there with its type and exits non-zero naming any that is not. Idempotent. Run by docker-compose.yml
# (temporal-namespace) and by `fulfill cluster up` (src/cluster/), with the temporal CLI's own connection variables
# (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_*, TEMPORAL_API_KEY) and:
#   TEMPORAL_RETENTION                 how long closed workflows stay in the primary store (default 30d)
#   TEMPORAL_HISTORY_ARCHIVAL_URI      where closed histories are archived (file:///…; s3://… with the s3store
#                                      provider); empty: no archival
#   TEMPORAL_VISIBILITY_ARCHIVAL_URI   the same for their visibility records
#   TEMPORAL_CLI                       the temporal CLI (default: temporal on PATH)
# Every call is retried: the server's caches lag a registration (a namespace just created is "not found" for a second
# or two, so a search attribute created at once fails), and one failed call proves nothing. A call that still fails
# after REGISTER_ATTEMPTS tries (default 60, a second apart) stops the script with the server's last answer.
set -eu
NS="${TEMPORAL_NAMESPACE:-default}"
CLI="${TEMPORAL_CLI:-temporal}"
ATTEMPTS="${REGISTER_ATTEMPTS:-60}"
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT

# retry <what> <command…>
retry() {
  what="$1"
  shift
  attempt=1
  until "$@" >"$OUT" 2>&1; do
    if [ "$attempt" -ge "$ATTEMPTS" ]; then
      echo "register-namespace: $what failed $attempt times; the last answer:" >&2
      cat "$OUT" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 1
  done
}

set --
[ -z "${TEMPORAL_HISTORY_ARCHIVAL_URI:-}" ] ||
  set -- "$@" --history-archival-state enabled --history-uri "$TEMPORAL_HISTORY_ARCHIVAL_URI"
[ -z "${TEMPORAL_VISIBILITY_ARCHIVAL_URI:-}" ] ||
  set -- "$@" --visibility-archival-state enabled --visibility-uri "$TEMPORAL_VISIBILITY_ARCHIVAL_URI"

ensure_namespace() {
  if "$CLI" operator namespace describe --namespace "$NS"; then
    # An existing namespace keeps its retention (an operator may have changed it); archival is turned on if asked.
    [ "$#" -eq 0 ] || "$CLI" operator namespace update --namespace "$NS" "$@"
  else
    "$CLI" operator namespace create --namespace "$NS" --retention "${TEMPORAL_RETENTION:-30d}" "$@"
  fi
}

retry "the cluster health check" "$CLI" operator cluster health
retry "namespace $NS" ensure_namespace "$@"

ATTRIBUTES='
  FulfillmentStage=Keyword
  HoneybeePrescriptionId=Keyword
  HoneybeeOrderNumber=Keyword
  LabOrderId=Keyword
  ExceptionReason=Keyword
  NeedsOperator=Bool
  EscalationLevel=Int
  OnHoldSince=Datetime
'
for attribute in $ATTRIBUTES; do
  retry "search attribute $attribute" "$CLI" operator search-attribute create --namespace "$NS" \
    --name "${attribute%%=*}" --type "${attribute#*=}"
done

# The check: every attribute listed with its type, as the frontend answers now.
missing_attributes() {
  "$CLI" operator search-attribute list --namespace "$NS" >"$OUT.list" || return 1
  missing=''
  for attribute in $ATTRIBUTES; do
    grep -Eiq "^[[:space:]]*${attribute%%=*}[[:space:]]+${attribute#*=}[[:space:]]*\$" "$OUT.list" ||
      missing="$missing $attribute"
  done
  rm -f "$OUT.list"
  [ -z "$missing" ] || { echo "missing:$missing"; return 1; }
}
retry "the search attribute check of namespace $NS" missing_attributes
archival='without archival'
[ "$#" -eq 0 ] || archival='with archival'
echo "register-namespace: namespace $NS ($archival) and every search attribute are registered."
