#!/usr/bin/env bash
# Warm tile benchmark: every tile from the cache, minqing now and minqing at
# BASELINE (a git ref: before the version watcher, each warm tile read the
# layer versions from the store), against a plain Go file server serving
# the same tile bytes, measured with wrk in one run, interleaved per zoom.
#
#   bench/warm.sh                                  20,000 incidents, z14–z17
#   BASELINE=main INCIDENTS=20000 DURATION=5s ZOOMS="15 16" bench/warm.sh
#
# It prints, per zoom: tiles, warm t/s (BASELINE), warm t/s (now), static
# t/s, and the ratios now/static and BASELINE/static.
#
# Needs: wrk, curl, python3, git, PostgreSQL + PostGIS (scripts/pg.sh), Go.
set -euo pipefail
cd "$(dirname "$0")/.."

INCIDENTS=${INCIDENTS:-20000}
DURATION=${DURATION:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
LAYER=${LAYER:-incidents}
ZOOMS=${ZOOMS:-"14 15 16 17"}
BASELINE=${BASELINE:-873db9d}

for tool in wrk curl python3 go git; do
  command -v "$tool" >/dev/null || { echo "bench/warm.sh needs $tool" >&2; exit 1; }
done

. scripts/pg.sh
. bench/lib/tiles.sh
work=$(mktemp -d /tmp/minqing-warm.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "${own_pg:-}" = 1 ] && pg_stop
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${MINQING_TEST_DATABASE:-}" ]; then
  pg_start
  own_pg=1
fi
admin=$MINQING_TEST_DATABASE
psql="${PG_BIN:+$PG_BIN/}psql"

echo "building minqing (now and $BASELINE) and the file server…" >&2
go build -o "$work/minqing" ./cmd/minqing
mkdir -p "$work/base"
git archive "$BASELINE" | tar -x -C "$work/base"
(cd "$work/base" && go build -o "$work/minqing-base" ./cmd/minqing)
build_tile_tools

n=$INCIDENTS
db="bench_warm_$n"
url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(path="/" + sys.argv[2]).geturl())' "$admin" "$db")
psql_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(path="/postgres").geturl())' "$admin")
"$psql" -q -v ON_ERROR_STOP=1 "$psql_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE minqing_template" >/dev/null
echo "loading the demo with $n incidents…" >&2
# The baseline migrates first (the newer binary adds its migrations on top).
"$work/minqing-base" migrate --database-url "$url" >"$work/demo.log" 2>&1 || true
"$work/minqing" demo --database-url "$url" --incidents "$n" >>"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
"$psql" -q "$url" -c "VACUUM ANALYZE" >/dev/null

start_server "$work/minqing-base" "$url" 1024
base=$addr
start_server "$work/minqing" "$url" 1024
now=$addr
tiles="$work/tiles"
mkdir -p "$tiles"
fport=$(free_port)
"$work/fileserver" "127.0.0.1:$fport" "$tiles" &
pids+=($!)

report="$work/report.txt"
{
  echo "== $n incidents, layer $LAYER, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) CPUs, baseline $BASELINE"
  printf "%4s %6s %12s %10s %11s %11s %13s\n" zoom tiles "base t/s" "now t/s" "static t/s" now/static base/static
} >>"$report"
for z in $ZOOMS; do
  list="$work/z$z.txt"
  tile_list "$z" >"$list"
  count=$(wc -l <"$list")
  while read -r p; do
    mkdir -p "$tiles$(dirname "$p")"
    curl -s -o /dev/null "http://$base$p"
    code=$(curl -s -o "$tiles$p" -w '%{http_code}' "http://$now$p")
    [ "$code" = 200 ] || [ "$code" = 204 ] || { echo "GET $p: $code" >&2; exit 1; }
  done <"$list"
  read -r b_rps _ b_bad < <(run_wrk "$base" "$list")
  read -r n_rps _ n_bad < <(run_wrk "$now" "$list")
  read -r s_rps _ s_bad < <(run_wrk "127.0.0.1:$fport" "$list")
  [ "$b_bad$n_bad$s_bad" = 000 ] || echo "z$z: non-2xx responses (base $b_bad, now $n_bad, static $s_bad)" >&2
  python3 - "$z" "$count" "$b_rps" "$n_rps" "$s_rps" >>"$report" <<'PY'
import sys
z, count, b, n, s = sys.argv[1:]
b, n, s = map(float, (b, n, s))
print(f"{z:>4} {count:>6} {b:>12.0f} {n:>10.0f} {s:>11.0f} {n / s:>11.2f} {b / s:>13.2f}")
PY
  tail -1 "$report" >&2
done
"$psql" -q "$psql_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 &
cat "$report"
