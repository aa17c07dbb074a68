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
cat >"$work/fileserver.go" <<'GO'
// A plain static file server: the warm path's yardstick.
package main

import (
	"net/http"
	"os"
)

func main() {
	fs := http.FileServer(http.Dir(os.Args[2]))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
		fs.ServeHTTP(w, r)
	})
	if err := http.ListenAndServe(os.Args[1], h); err != nil {
		panic(err)
	}
}
GO
(cd "$work" && GO111MODULE=off go build -o fileserver fileserver.go)

cat >"$work/cycle.lua" <<'LUA'
-- Cycles through the paths in $TILE_URLS, each thread from its own offset.
local paths = {}
for line in io.lines(os.getenv("TILE_URLS")) do paths[#paths + 1] = line end
local counter = 1
local offset = 0
function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[(offset + i) % #paths + 1])
end
LUA

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

tile_list() {
  python3 - "$1" "$LAYER" <<'PY'
import math, sys
z, layer = int(sys.argv[1]), sys.argv[2]
def tile(lon, lat):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y
x0, y0 = tile(116.270, 39.870)
x1, y1 = tile(116.305, 39.845)
for x in range(x0, x1 + 1):
    for y in range(y0, y1 + 1):
        print(f"/tiles/{layer}/{z}/{x}/{y}.mvt")
PY
}

wait_up() {
  for _ in $(seq 1 100); do
    curl -fs "http://$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server at $1 did not start" >&2
  return 1
}

run_wrk() {
  local out
  out=$(TILE_URLS="$2" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 60s -s "$work/cycle.lua" "http://$1" 2>&1)
  python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
print(f"{rps:.1f} {bad.group(1) if bad else 0}")
PY
}

start() { # BINARY URL: starts a server with a 1 GiB cache and sets $addr
  local port
  port=$(free_port)
  "$1" serve --database-url "$2" --addr "127.0.0.1:$port" --tile-cache-mb=1024 --log-level error >>"$work/serve.log" 2>&1 &
  pids+=($!)
  addr="127.0.0.1:$port"
  wait_up "$addr"
}

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

start "$work/minqing-base" "$url"
base=$addr
start "$work/minqing" "$url"
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
  read -r b_rps b_bad < <(run_wrk "$base" "$list")
  read -r n_rps n_bad < <(run_wrk "$now" "$list")
  read -r s_rps s_bad < <(run_wrk "127.0.0.1:$fport" "$list")
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
