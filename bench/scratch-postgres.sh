# Sourced by the benchmarks: a PostgreSQL server from the installed binaries in a scratch folder, trust auth on
# loopback, never the developer's. Defines $pg_bin and scratch_postgres_start / scratch_postgres_stop.
pg_bin="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

# PostgreSQL refuses to run as root: drop to the postgres account when we are root.
as_postgres() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi; }

# scratch_postgres_start WORK PORT [postgres -c options...]: initialises WORK/pgdata once, starts the server.
scratch_postgres_start() {
  local work="$1" port="$2"
  shift 2
  mkdir -p "$work"
  chmod 755 "$work"
  scratch_pgdata="$work/pgdata"
  if [ ! -d "$scratch_pgdata" ]; then
    mkdir -p "$scratch_pgdata"
    [ "$(id -u)" = 0 ] && chown postgres: "$scratch_pgdata"
    as_postgres "$pg_bin/initdb" -D "$scratch_pgdata" -U postgres --auth=trust >/dev/null
  fi
  as_postgres "$pg_bin/pg_ctl" -D "$scratch_pgdata" -o "-p $port -k /tmp -c fsync=on $*" -l "$scratch_pgdata/postgres.log" -w start >/dev/null
}

scratch_postgres_stop() { as_postgres "$pg_bin/pg_ctl" -D "$scratch_pgdata" -m fast stop >/dev/null; }
