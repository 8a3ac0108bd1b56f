#!/bin/sh
# Creates Temporal's two databases and brings their schemas to the version of the tool's image
# (the schemas are embedded in temporal-sql-tool). Every step is a no-op when already done.
# Connection from SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD; SQL_PLUGIN=postgres12.
set -eu
for db in temporal temporal_visibility; do
  schema=postgresql/v12/temporal
  [ "$db" = temporal_visibility ] && schema=postgresql/v12/visibility
  temporal-sql-tool --database "$db" create-database
  temporal-sql-tool --database "$db" setup-schema -v 0.0
  temporal-sql-tool --database "$db" update-schema --schema-name "$schema"
done
