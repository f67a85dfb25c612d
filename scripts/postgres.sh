#!/usr/bin/env bash
# Private PostgreSQL instance for the tests: installs the server from Debian packages when missing,
# starts it on a free loopback port in a temporary folder (as the postgres user: initdb refuses root),
# creates the role and database README.md's connection string names (approval / approval, password approval; the
# server trusts loopback connections), and prints `export` lines for the caller to eval: APPROVAL_PG_DIR, APPROVAL_PG_PORT,
# APPROVAL_TEST_POSTGRES (the superuser connection the tests create their databases with).
# APPROVAL_PG_OPTIONS adds server settings (bench/load.sh loads pg_stat_statements with it).
#   eval "$(scripts/postgres.sh start)"   ...   scripts/postgres.sh stop "$APPROVAL_PG_DIR"
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_server() {
  if [ -z "$(find_bin)" ] || [ ! -x "$(find_bin)/initdb" ]; then
    echo "postgres.sh: installing PostgreSQL from Debian packages..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
  fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

start() {
  install_server
  local bin dir port run_as
  bin=$(find_bin)
  dir=$(mktemp -d /tmp/approval-pg.XXXXXX)
  port=$(free_port)
  chmod 755 "$dir"
  if [ "$(id -u)" = "0" ]; then
    chown postgres:postgres "$dir"
    run_as=(runuser -u postgres --)
  else
    run_as=()
  fi
  "${run_as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${APPROVAL_PG_OPTIONS:-}" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  "${run_as[@]}" "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE approval LOGIN PASSWORD 'approval'" -c "CREATE DATABASE approval OWNER approval" >&2 \
    || { echo "postgres.sh: could not create the approval role and database" >&2; exit 1; }
  echo "export APPROVAL_PG_DIR='$dir'"
  echo "export APPROVAL_PG_PORT='$port'"
  echo "export APPROVAL_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres'"
}

stop() {
  local dir=${1:?folder}
  local bin; bin=$(find_bin)
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  else
    "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
