#!/usr/bin/env bash
# Runs a PostgreSQL server from the machine's own binaries, for when no container runtime works.
# Usage: local-postgres.sh BINDIR DATADIR   (environment: PGPORT, POSTGRES_PASSWORD)
# The data directory is initialised once and kept; the superuser password is set to POSTGRES_PASSWORD at every
# start, so a newly generated secret never locks the AppHost out of its own data.
set -euo pipefail
bindir="$1"
datadir="$2"
: "${PGPORT:?PGPORT is not set}" "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set}"
exec 2>&1 # the dashboard shows stderr as errors; postgres writes its ordinary log there

# PostgreSQL refuses to run as root: drop to the postgres account when we are root.
server_user=()
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "Running as root, but there is no 'postgres' account to run the server as (install the postgresql package)." >&2
    exit 1
  fi
  server_user=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi

mkdir -p "$datadir"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$datadir"
chmod 700 "$datadir"

if [ ! -s "$datadir/PG_VERSION" ]; then
  echo "Initialising a new PostgreSQL data directory in $datadir"
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
  "${server_user[@]}" "$bindir/initdb" -D "$datadir" -U postgres --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=peer --encoding=UTF8 --locale=C.UTF-8
  rm -f "$pwfile"
fi

escaped_password=${POSTGRES_PASSWORD//\'/\'\'}
echo "ALTER ROLE postgres PASSWORD '$escaped_password';" |
  "${server_user[@]}" "$bindir/postgres" --single -D "$datadir" -c unix_socket_directories= postgres >/dev/null

# Not exec'd: a SIGTERM from the orchestrator becomes a fast shutdown (SIGINT), which disconnects clients instead of
# waiting for them as postgres' own SIGTERM (smart shutdown) would.
"${server_user[@]}" "$bindir/postgres" -D "$datadir" -p "$PGPORT" \
  -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200 &
server=$!
trap 'kill -INT "$server" 2>/dev/null' TERM INT
set +e
wait "$server"
status=$?
# A trapped signal interrupts the first wait; the second one waits for the shutdown to finish.
if kill -0 "$server" 2>/dev/null; then
  wait "$server"
  status=$?
fi
exit "$status"
