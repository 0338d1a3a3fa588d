#!/usr/bin/env bash
# Make a throwaway PostgreSQL server available on 127.0.0.1 for the tests and print its URL.
# Installs the server from the distribution when it is missing and we are root, keeps its data under /tmp
# (trust auth, local connections only: test data, never evidence), and reuses a running one (idempotent).
# Usage: scripts/postgres.sh  ->  postgresql://postgres@127.0.0.1:55432/eventledger_test
set -euo pipefail
PORT=${EVENTLEDGER_PG_PORT:-55432}
DATA=${EVENTLEDGER_PG_DATA:-/tmp/eventledger-pg-$PORT}
DBNAME=eventledger_test
URL="postgresql://postgres@127.0.0.1:$PORT/$DBNAME"

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

BIN=$(find_bin || true)
if [ -z "$BIN" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing the PostgreSQL server…" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
    BIN=$(find_bin) || { echo "PostgreSQL installed but initdb not found" >&2; exit 1; }
  else
    echo "no PostgreSQL server binaries (initdb) and not root to install them" >&2
    exit 1
  fi
fi

# the server refuses to run as root: as root, run it as the postgres user
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
    chmod 700 "$DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  # fsync off: a crashed throwaway test server is simply made again
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null
fi

if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'" | grep -q 1; then
  "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "CREATE DATABASE $DBNAME" >/dev/null
fi
echo "$URL"
