#!/usr/bin/env bash
# Intake while a large import runs, on PostGIS: how long does a resident's
# call (POST /incidents) take while an office loads ROWS work orders
# (minqing import, one transaction)? Before month marks' commit, the import
# held a table lock (ALTER TABLE … DISABLE TRIGGER) and row locks on the
# layer's version and the rollups from its first rows to its commit, so an
# intake waited for the whole import; now the import defers its rollups
# and its version bump to just before it commits.
#
# For this build and, with MINQING_BEFORE=/path/to/minqing (e.g. a build of
# main before), that build too, in the same run and on the same machine:
# a fresh database with the demo (DEMO incidents, default 50,000), the
# server, the import of ROWS rows (default 45,000: fewer than the table
# holds, the everyday case; an import that at least doubles the table drops
# and rebuilds the indexes under an exclusive lock that readers and writers
# wait for, see README "Import") started in the background, and one intake
# every 0.2 s until the import ends. It prints the import's seconds and the
# intakes' count, median and slowest latency, and the ratios before ÷ after.
#
#   bench/intake-during-import.sh
#   MINQING_BEFORE=/tmp/minqing-main bench/intake-during-import.sh
#
# Needs: curl, python3, PostgreSQL + PostGIS (scripts/pg.sh), Go.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg.sh
DEMO=${DEMO:-50000}
ROWS=${ROWS:-45000}
work=$(mktemp -d /tmp/minqing-intake-import.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  pg_stop
  rm -rf "$work"
}
pg_start
trap cleanup EXIT
echo "building…" >&2
go build -o "$work/after" ./cmd/minqing
builds=(after)
if [ -n "${MINQING_BEFORE:-}" ]; then cp "$MINQING_BEFORE" "$work/before"; builds=(before after); fi
echo "generating $ROWS work orders…" >&2
bench/gen-orders.sh "$ROWS" > "$work/orders.csv"
admin=$MINQING_TEST_DATABASE
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print 0}'; }
declare -A alone imp cnt med slow failed
# fresh WHO NAME: a new database NAME with the demo loaded by build WHO; sets url.
fresh() {
  "$PG_BIN/psql" -q -X "$admin" -c "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2 TEMPLATE minqing_template"
  url="${admin%/*}/$2?sslmode=disable"
  "$work/$1" demo --database-url "$url" --incidents "$DEMO" >/dev/null 2>&1
}
seconds() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b-a}'; }
for who in "${builds[@]}"; do
  # The import alone, for its own time.
  fresh "$who" "import_alone_$who"
  echo "$who: importing $ROWS rows alone…" >&2
  t0=$(date +%s.%N)
  "$work/$who" import --database-url "$url" --layer incidents --progress=false "$work/orders.csv" >/dev/null 2>&1
  alone[$who]=$(seconds "$t0")
  fresh "$who" "intake_import_$who"
  staff=$("$work/$who" token add --database-url "$url" --role staff --name bench 2>/dev/null | tail -1 | awk '{print $NF}')
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$work/$who" serve --database-url "$url" --addr "127.0.0.1:$port" --log-level warn >"$work/serve-$who.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  echo "$who: importing $ROWS rows while taking calls…" >&2
  t0=$(date +%s.%N)
  "$work/$who" import --database-url "$url" --layer incidents --progress=false "$work/orders.csv" >"$work/import-$who.log" 2>&1 &
  import_pid=$!
  sleep 1 # the import is reading and copying
  : >"$work/lat-$who"
  while kill -0 "$import_pid" 2>/dev/null; do
    curl -sS -o /dev/null --max-time 600 -X POST -H "Authorization: Bearer $staff" -H 'Content-Type: application/json' \
      -d '{"lon": 116.2871, "lat": 39.8568, "category": "停电", "source": "网格", "description": "bench: intake during import"}' \
      -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$port/incidents" |
      awk -v bad="$work/bad-$who" '$1 == 201 {printf "%.1f\n", $2*1000; next} {print $1 >> bad}' >>"$work/lat-$who" || true
    sleep 0.2
  done
  if ! wait "$import_pid"; then
    echo "$who: the import failed: $(tail -1 "$work/import-$who.log")" >&2
  fi
  imp[$who]=$(seconds "$t0")
  cnt[$who]=$(wc -l <"$work/lat-$who")
  failed[$who]=$( [ -f "$work/bad-$who" ] && sort "$work/bad-$who" | uniq -c | awk '{printf "%s×%s ", $1, $2}' || echo none)
  med[$who]=$(median <"$work/lat-$who")
  slow[$who]=$(sort -n "$work/lat-$who" | tail -1)
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
done
echo
echo "bench/intake-during-import.sh at commit $(git rev-parse --short HEAD): $ROWS rows imported into PostGIS ($DEMO there) while one intake"
echo "(POST /incidents) is sent every 0.2 s; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s | %14s | %16s | %8s | %10s | %10s | %s\n' build "import alone s" "with intakes s" intakes "median ms" "slowest ms" "failed (HTTP status)"
for who in "${builds[@]}"; do
  printf '%-8s | %14s | %16s | %8s | %10s | %10s | %s\n' "$who" "${alone[$who]}" "${imp[$who]}" "${cnt[$who]}" "${med[$who]}" "${slow[$who]}" "${failed[$who]}"
done
if [ "${#builds[@]}" = 2 ]; then
  awk -v a="${med[before]}" -v b="${med[after]}" -v c="${slow[before]}" -v d="${slow[after]}" -v e="${alone[before]}" -v f="${alone[after]}" \
    'BEGIN {printf "before ÷ after: median intake %.1f×, slowest intake %.1f×, import alone %.2f×\n", a/b, c/d, e/f}'
fi
