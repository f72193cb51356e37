#!/bin/sh
# Creates the Temporal and visibility databases in PostgreSQL and brings both schemas to the image's version.
# Idempotent: `create` fails harmlessly when a database exists and update-schema only applies what is missing.
set -eu
SQL="temporal-sql-tool --plugin postgres12 --ep ${POSTGRES_SEEDS} -u ${POSTGRES_USER} -p ${DB_PORT}"
for db in temporal temporal_visibility; do
  $SQL --db "$db" create || true
done
$SQL --db temporal setup-schema -v 0.0 || true
$SQL --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
$SQL --db temporal_visibility setup-schema -v 0.0 || true
$SQL --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "Temporal schemas are up to date."
