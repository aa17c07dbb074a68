#!/usr/bin/env bash
# Intake throughput and latency (接诉即办), on both stores in the same run,
# against the baseline a user would otherwise pick, also in the same run.
#
# For each store (PostGIS, GeoPackage), minqing serves the demo (INCIDENTS,
# default 20,000) and wrk (CONNS connections, default 16, DURATION seconds
# per phase, default 20; bench/intake.lua) sends:
#
#   create     POST /incidents — staff intake: validation, point-in-polygon
#              community/patch, H3 cells, due times, contact apart
#   lifecycle  POST /incidents, then dispatch → respond → resolve on each
#              incident (4 requests; each step a transaction that appends the
#              event and writes the replayed state, serialized per incident)
#   open311    POST /open311/v2/requests.json (form, trusted bridge api_key)
#   import     baseline 1: POST /import/incidents?format=geojson with a
#              one-row GeoJSON file — the bulk import a street office has
#              without intake, used per call
#
# and, on PostGIS only, baseline 2 with pgbench (same CONNS, same DURATION):
#
#   sql-insert     a plain INSERT of the same row (a copy of a demo incident
#                  with its community, patch, H3 cells and due times already
#                  computed) — what a script writing straight into the
#                  database does, with no checks, no placement, no cells
#   sql-lifecycle  that INSERT, then per step one transaction: lock the row,
#                  append the event, update status/timestamps/unit — the same
#                  writes minqing makes, without HTTP, validation or replay
#
# It prints requests/s (incidents/s for the lifecycle), p50/p99 latency, and
# the ratios minqing ÷ baseline (below 1: minqing is slower).
# Everything listens on 127.0.0.1. Uses MINQING_TEST_DATABASE when set (a
# database is created and dropped), else a throwaway cluster (scripts/pg.sh).
#
# Usage: bench/intake.sh        (DURATION=10 INCIDENTS=5000 bench/intake.sh for a short run)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg.sh

DURATION=${DURATION:-20}
CONNS=${CONNS:-16}
INCIDENTS=${INCIDENTS:-20000}
command -v wrk >/dev/null || { echo "bench/intake.sh needs wrk: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d /tmp/minqing-intake.XXXXXX)
server_pid=""
started_pg=""
db="bench_intake_$$"
cleanup() {
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  if [ -n "${MINQING_TEST_DATABASE:-}" ]; then
    "$PG_BIN/psql" -q -X "$MINQING_TEST_DATABASE" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  fi
  [ -n "$started_pg" ] && pg_stop
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${MINQING_TEST_DATABASE:-}" ]; then
  pg_start
  started_pg=1
fi
PG_BIN=${PG_BIN:-$(pg_bindir)}

echo "building…" >&2
go build -o "$work/minqing" ./cmd/minqing
admin=$MINQING_TEST_DATABASE
"$PG_BIN/psql" -q -X "$admin" -c "CREATE DATABASE $db TEMPLATE minqing_template" 2>/dev/null ||
  "$PG_BIN/psql" -q -X "$admin" -c "CREATE DATABASE $db" -c "\\c $db" -c "CREATE EXTENSION IF NOT EXISTS postgis"
pgurl=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$admin" "$db")

results="$work/results"
: >"$results"

# serve STORE_ARGS…: starts minqing on a free port, sets base.
serve() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  base="http://127.0.0.1:$port"
  # --max-heavy: imports are "heavy"; let all CONNS of the baseline in.
  "$work/minqing" serve "$@" --max-heavy "$CONNS" --addr "127.0.0.1:$port" --log-level warn 2>"$work/server.log" >/dev/null &
  server_pid=$!
  for _ in $(seq 1 150); do curl -sf -o /dev/null "$base/readyz" && return 0; sleep 0.2; done
  echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

# phase STORE MODE TOKEN: one wrk run; appends "STORE MODE rate p50 p99 other".
phase() {
  local store=$1 mode=$2 token=$3 out
  out=$(MINQING_INTAKE_MODE=$mode MINQING_INTAKE_TOKEN=$token wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 30s -s bench/intake.lua "$base")
  local line
  line=$(echo "$out" | grep '^INTAKE') || { echo "wrk printed no summary for $store $mode:" >&2; echo "$out" >&2; exit 1; }
  # shellcheck disable=SC2001
  get() { echo "$line" | sed -n 's/.*\b'"$1"'=\([0-9.]*\).*/\1/p'; }
  local n
  n=$(get created)
  [ "$mode" = lifecycle ] && n=$(( $(get steps) / 3 )) # incidents taken through all three steps (about)
  awk -v s="$store" -v m="$mode" -v n="$n" -v t="$(get seconds)" -v p50="$(get p50_ms)" -v p99="$(get p99_ms)" -v o="$(get other)" \
    'BEGIN {printf "%s %s %.1f %.2f %.2f %d\n", s, m, n / t, p50, p99, o}' >>"$results"
  echo "  $store $mode: $(tail -1 "$results")" >&2
}

for store in postgis gpkg; do
  if [ "$store" = postgis ]; then args=(--database-url "$pgurl"); else args=(--data "$work/bench.gpkg"); fi
  echo "$store: loading the demo ($INCIDENTS incidents)…" >&2
  "$work/minqing" demo "${args[@]}" --incidents "$INCIDENTS" >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
  staff=$("$work/minqing" token add --role staff --name bench-intake "${args[@]}" 2>/dev/null)
  adm=$("$work/minqing" token add --role admin --name bench-import "${args[@]}" 2>/dev/null)
  serve "${args[@]}"
  for mode in create lifecycle open311; do phase "$store" "$mode" "$staff"; done
  phase "$store" import "$adm"
  stop_server
done

# Baseline 2 (PostGIS): pgbench, the same rows written as plain SQL.
psqldb() { "$PG_BIN/psql" -q -X -At "$pgurl" "$@"; }
cols=$(psqldb -c "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns
  WHERE table_schema = 'public' AND table_name = 'incidents' AND is_generated = 'NEVER' AND column_default IS NULL
    AND column_name NOT IN ('id', 'external_id', 'status', 'received_at', 'dispatched_at', 'responded_at', 'resolved_at', 'closed_at', 'unit', 'level', 'satisfied', 'visit_resolved')")
maxid=$(psqldb -c "SELECT max(id) FROM incidents WHERE id <= (SELECT min(id) + $INCIDENTS - 1 FROM incidents)")
minid=$(psqldb -c "SELECT min(id) FROM incidents")
cat >"$work/insert.sql" <<SQL
\\set t random($minid, $maxid)
INSERT INTO incidents ($cols, status, received_at) SELECT $cols, 'received', now() FROM incidents WHERE id = :t RETURNING id AS nid \\gset
SQL
cat "$work/insert.sql" >"$work/lifecycle.sql"
seq=1
for step in "dispatch:dispatched:dispatched_at = now(), unit = '城市管理办公室', level = '科室'" "respond:in_progress:responded_at = now()" "resolve:resolved:resolved_at = now()"; do
  IFS=: read -r action status set <<<"$step"
  cat >>"$work/lifecycle.sql" <<SQL
BEGIN;
SELECT id FROM incidents WHERE id = :nid FOR UPDATE;
INSERT INTO incident_events (incident_id, seq, at, who, action) VALUES (:nid, $seq, now(), 'bench', '$action');
UPDATE incidents SET status = '$status', $set WHERE id = :nid;
COMMIT;
SQL
  seq=$((seq + 1))
done
pgb() {
  local name=$1 file=$2 out tps p50 p99
  out=$("$PG_BIN/pgbench" -n -c "$CONNS" -j 2 -T "$DURATION" -f "$file" -r -l --log-prefix="$work/pgb-$name" "$pgurl" 2>&1) || { echo "$out" >&2; exit 1; }
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  # latency per transaction (µs, the log's 3rd column) → p50/p99 in ms
  read -r p50 p99 < <(cat "$work"/pgb-"$name"* | awk '{print $3}' | sort -n |
    awk '{v[NR] = $1} END {i = int(NR * .5); if (i < 1) i = 1; j = int(NR * .99); if (j < 1) j = 1; printf "%.2f %.2f\n", v[i] / 1000, v[j] / 1000}')
  echo "postgis $name $tps $p50 $p99 0" >>"$results"
  echo "  postgis $name: $(tail -1 "$results")" >&2
  rm -f "$work"/pgb-"$name"*
}
pgb sql-insert "$work/insert.sql"
pgb sql-lifecycle "$work/lifecycle.sql"

echo
echo "minqing intake: $CONNS connections, ${DURATION}s per phase, demo of $INCIDENTS incidents"
printf '%-8s %-14s %12s %10s %10s %8s\n' store phase "per second" "p50 ms" "p99 ms" "non-2xx"
while read -r s m r a b o; do printf '%-8s %-14s %12s %10s %10s %8s\n' "$s" "$m" "$r" "$a" "$b" "$o"; done <"$results"
rate() { awk -v s="$1" -v m="$2" '$1 == s && $2 == m {print $3}' "$results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }
echo
echo "ratios (same run; below 1: minqing is slower than the baseline):"
for s in postgis gpkg; do
  echo "  $s  create ÷ import-per-row:     $(ratio "$(rate $s create)" "$(rate $s import)")"
  echo "  $s  open311 ÷ import-per-row:    $(ratio "$(rate $s open311)" "$(rate $s import)")"
done
echo "  postgis create ÷ sql-insert:            $(ratio "$(rate postgis create)" "$(rate postgis sql-insert)")"
echo "  postgis lifecycle ÷ sql-lifecycle:      $(ratio "$(rate postgis lifecycle)" "$(rate postgis sql-lifecycle)")  (incidents taken in and through 3 steps)"
echo "  gpkg ÷ postgis, create:                 $(ratio "$(rate gpkg create)" "$(rate postgis create)")"
