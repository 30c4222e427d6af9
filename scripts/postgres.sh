#!/usr/bin/env bash
# Starts a PostgreSQL server for the tests and prints the line that points
# them at it:
#   eval "$(scripts/postgres.sh)"    # exports KEYWARDEN_TEST_DATABASE_URL
#
# Uses the machine's PostgreSQL cluster (Debian's postgresql-common layout),
# installing the `postgresql` package with apt-get when it is missing and the
# script runs as root. Makes sure the password login and the test database
# exist. Idempotent; every test then works in a schema of its own.
# On failure it says why on stderr and exits non-zero.
set -euo pipefail
db=${1:-keywarden_test}
password=${KEYWARDEN_PG_PASSWORD:-keywarden}
port=${KEYWARDEN_PG_PORT:-5432}

say() { echo "postgres.sh: $*" >&2; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
    say "PostgreSQL is not installed and this user cannot install it (apt-get install postgresql)"
    exit 1
  fi
  say "installing PostgreSQL (apt-get install postgresql)"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  { $sudo_ apt-get update -qq && $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2
fi

version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1 || true)
if [ -z "$version" ]; then
  say "no PostgreSQL cluster under /etc/postgresql"
  exit 1
fi
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main" && $4 ~ /online/' | grep -q .; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 2>/dev/null \
    || pg_ctlcluster "$version" main start >&2
fi
ready=""
for _ in $(seq 1 100); do
  if as_postgres "psql -qAtc 'SELECT 1'" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.1
done
[ -n "$ready" ] || { say "the cluster did not accept connections"; exit 1; }
as_postgres "psql -qAtc \"ALTER USER postgres PASSWORD '$password'\"" >/dev/null
if ! as_postgres "psql -qAtc \"SELECT 1 FROM pg_database WHERE datname = '$db'\"" | grep -q 1; then
  as_postgres "createdb '$db'"
fi
echo "export KEYWARDEN_TEST_DATABASE_URL=postgres://postgres:$password@127.0.0.1:$port/$db"
