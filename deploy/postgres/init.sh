#!/bin/sh
# First start of the PostgreSQL container (docker-entrypoint-initdb.d): a login `dudao` that owns
# dudao's database and may create roles (migration 0006 creates dudao_owner, dudao_worker,
# dudao_web and dudao_reader), and a login `temporal` that may create Temporal's two databases.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set owner_pw="$DUDAO_OWNER_PASSWORD" --set temporal_pw="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE dudao LOGIN CREATEROLE PASSWORD :'owner_pw';
CREATE DATABASE dudao OWNER dudao;
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_pw';
SQL
