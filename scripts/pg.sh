#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL + PostGIS cluster for the tests.
#   source scripts/pg.sh && pg_start   → exports MINQING_TEST_DATABASE
#   pg_stop                            → stops it and removes its files
# Needs PostgreSQL + PostGIS: when missing, scripts/deps.sh installs them
# (apt-get as root, otherwise through sudo).

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

pg_have_postgis() {
  ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1
}

pg_install() {
  if pg_bindir >/dev/null && pg_have_postgis; then return 0; fi
  . "$(dirname "${BASH_SOURCE[0]}")/deps.sh"
  deps_install && pg_bindir >/dev/null && pg_have_postgis && return 0
  echo "PostgreSQL with PostGIS is missing and could not be installed: install it with" >&2
  echo "  sudo apt-get install postgresql postgresql-postgis" >&2
  echo "or point MINQING_TEST_DATABASE at a PostgreSQL+PostGIS server (postgres://user@host:port/db)." >&2
  return 1
}

pg_start() {
  pg_install || return 1
  local bin port
  bin=$(pg_bindir) || return 1
  PG_TMP=$(mktemp -d /tmp/minqing-pg.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
  local run=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PG_TMP"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1 || { cat "$PG_TMP/initdb.log" >&2; return 1; }
  "${run[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w \
    -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=512MB" start >/dev/null || { cat "$PG_TMP/server.log" >&2; return 1; }
  PG_BIN=$bin
  export PG_TMP PG_BIN
  export MINQING_TEST_DATABASE="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE minqing_template" \
    && "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d minqing_template -c "CREATE EXTENSION postgis" || return 1
  echo "throwaway PostGIS at 127.0.0.1:$port ($PG_TMP)" >&2
}

pg_stop() {
  [ -n "${PG_TMP:-}" ] || return 0
  local run=()
  [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$PG_TMP"
  unset PG_TMP
}
