#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on 127.0.0.1 and
# SWITCHBOARD_TEST_POSTGRES pointing at it; the server and its files are
# removed when the command ends. Installs PostgreSQL from Debian if absent.
#   scripts/with-postgres.sh make test
# SWITCHBOARD_PG_LOG=FILE appends the server's log there when the command
# ends, with lock waits over a second and deadlocks reported in it (to
# read what a failed or slow load test met), and loads pg_stat_statements.
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
pgbin=$(find_bin)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "PostgreSQL not found; installing it from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  pgbin=$(find_bin)
fi

# A free port: ask the kernel for one.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 55433)
dir=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-pg.XXXXXX")
chmod 755 "$dir"

as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$dir"

as_pg "'$pgbin/initdb' -D '$dir/data' --auth=trust -U postgres -E UTF8 >/dev/null"
# fsync off: the tests exercise Switchboard's guarantees, not the disk's.
# SWITCHBOARD_PG_FSYNC=on keeps it on, for benchmarks that compare stores
# at full durability (bench/ingest -postgres).
fsync=${SWITCHBOARD_PG_FSYNC:-off}
keep_log=${SWITCHBOARD_PG_LOG:-}
extra=""
# With the log kept, pg_stat_statements is loaded too, so the command can
# ask what the server spent its work on (CREATE EXTENSION pg_stat_statements).
[ -n "$keep_log" ] && extra="-c log_lock_waits=on -c shared_preload_libraries=pg_stat_statements"
as_pg "'$pgbin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c fsync=$fsync -c max_connections=300 $extra\" start >/dev/null"
stop() {
  as_pg "'$pgbin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null 2>&1" || true
  # Appended: the crash tests' own servers append theirs to the same file.
  [ -n "$keep_log" ] && { echo "==== scripts/with-postgres.sh"; cat "$dir/log"; } >> "$keep_log"
  rm -rf "$dir"
}
trap stop EXIT

export SWITCHBOARD_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
echo "PostgreSQL test server on 127.0.0.1:$port" >&2
"$@"
