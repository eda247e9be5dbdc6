#!/bin/sh
# Creates the console's two database roles on a fresh PostgreSQL (run once by
# the postgres image from /docker-entrypoint-initdb.d, or by hand with psql as
# a superuser, setting the variables below):
#   console_owner  owns the database and runs the migrations (MIGRATE_DATABASE_URL)
#   console_app    serves requests (DATABASE_URL): no superuser, owns nothing;
#                  the console grants it row rights after each migration,
#                  and on audit_events only INSERT and SELECT.
set -eu
: "${CONSOLE_DB:=console}"
: "${CONSOLE_OWNER_PASSWORD:?set CONSOLE_OWNER_PASSWORD}"
: "${CONSOLE_APP_PASSWORD:?set CONSOLE_APP_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v db="$CONSOLE_DB" -v owner_pw="$CONSOLE_OWNER_PASSWORD" -v app_pw="$CONSOLE_APP_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
CREATE ROLE console_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_pw';
CREATE ROLE console_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_pw';
CREATE DATABASE :"db" OWNER console_owner;
\connect :"db"
ALTER SCHEMA public OWNER TO console_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
