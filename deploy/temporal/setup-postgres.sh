#!/bin/sh
# Creates the Temporal and visibility databases in PostgreSQL and brings both schemas to the server's version, from
# the schemas embedded in temporal-sql-tool. Idempotent: a database that exists is kept, `setup-schema -v 0.0` only
# adds the version tables when missing, `update-schema` applies only what is missing. Any other failure stops it.
# Run by docker-compose.yml (temporal-schema) and by `fulfill cluster up` (src/cluster/), with:
#   POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, SQL_PASSWORD   the server and the user Temporal connects as
#   DBNAME, VISIBILITY_DBNAME                              the two databases (deploy/temporal/server.env)
#   TEMPORAL_SQL_TOOL                                      the tool (default: temporal-sql-tool on PATH)
set -eu
TOOL="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT

sql() {
  "$TOOL" --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" "$@"
}

for target in "${DBNAME:-temporal}=temporal" "${VISIBILITY_DBNAME:-temporal_visibility}=visibility"; do
  db="${target%%=*}"
  schema="postgresql/v12/${target#*=}"
  if ! sql --db "$db" create-database >"$OUT" 2>&1; then
    if ! grep -q 'already exists' "$OUT"; then
      echo "setup-postgres: could not create database $db:" >&2
      cat "$OUT" >&2
      exit 1
    fi
  fi
  sql --db "$db" setup-schema -v 0.0 >"$OUT" 2>&1 || { cat "$OUT" >&2; exit 1; }
  sql --db "$db" update-schema --schema-name "$schema" >"$OUT" 2>&1 || { cat "$OUT" >&2; exit 1; }
  echo "setup-postgres: $db is at the $schema schema of this server version."
done
