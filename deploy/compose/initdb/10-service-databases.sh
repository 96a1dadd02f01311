#!/usr/bin/env bash
# PostgreSQL init script (docker-entrypoint-initdb.d; runs once, when the data volume is new).
# One login role and one database per service, each owned by its role and closed to everyone
# else: a service can create its schema (`auth`, `orders`, `inventory`) by migration at start,
# and cannot connect to another service's database.
#
# Each role's password is read from the secret <service>_db_password (compose mounts it under
# /run/secrets), through psql's backquote expansion, so it never appears on a command line.
#
# Environment (defaults are what compose gives): SECRETS_DIR=/run/secrets,
# SERVICE_DATABASES="auth orders inventory", DATABASE_PREFIX="" (prepended to role and database
# names; the container-e2e test uses it on a shared PostgreSQL), POSTGRES_USER=postgres, and
# the usual PGHOST/PGPORT (unset inside the container: the entrypoint's server listens on its socket).
set -euo pipefail

secrets_dir="${SECRETS_DIR:-/run/secrets}"
prefix="${DATABASE_PREFIX:-}"

for service in ${SERVICE_DATABASES:-auth orders inventory}; do
  name="${prefix}${service}"
  password_file="${secrets_dir}/${service}_db_password"
  if [ ! -r "$password_file" ]; then
    echo "initdb: cannot read ${password_file} (run npm run compose:secrets)" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
    --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v name="$name" -v password_file="$password_file" <<'SQL'
\set password `tr -d '\r\n' < :'password_file'`
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
  echo "initdb: role and database ${name} created"
done
