#!/usr/bin/env bash
# Vector tile benchmark: minqing on PostGIS, cold (no tile cache: every tile is
# rendered by ST_AsMVT) and warm (every tile from the cache), against a plain
# Go file server serving the same tile bytes, measured with wrk in one run.
#
#   bench/tiles.sh                         20,000 and 1,000,000 incidents
#   INCIDENTS="20000" DURATION=5s bench/tiles.sh
#
# For each data set it loads the demo into a throwaway PostGIS (scripts/pg.sh),
# lists every tile of the street's area (lon 116.270–116.305, lat
# 39.845–39.870) at z12–z17, and drives wrk with a Lua script cycling through
# those tile URLs. It prints, per zoom: tiles, cold tiles/s, warm tiles/s,
# static tiles/s, warm/static, cold MB/s, mean tile size, and the cold rate
# as a multiple of pg_tileserv's reference rates from the issue (about 40,
# 170, 700 and 1,350 tiles/s at z14–z17 for a 20,000-point table).
#
# Needs: wrk, curl, python3, PostgreSQL + PostGIS (scripts/pg.sh), Go.
set -euo pipefail
cd "$(dirname "$0")/.."

INCIDENTS=${INCIDENTS:-"20000 1000000"}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
LAYER=${LAYER:-incidents}
ZOOMS=${ZOOMS:-"12 13 14 15 16 17"}

for tool in wrk curl python3 go; do
  command -v "$tool" >/dev/null || { echo "bench/tiles.sh needs $tool" >&2; exit 1; }
done

. scripts/pg.sh
work=$(mktemp -d /tmp/minqing-bench.XXXXXX)
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

echo "building minqing and the file server…" >&2
go build -o "$work/minqing" ./cmd/minqing
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

# tile_list Z: the paths of every tile of the street's area at zoom Z.
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

# run_wrk ADDR PATHS: prints "requests/s transfer-bytes/s non2xx".
run_wrk() {
  local out
  out=$(TILE_URLS="$2" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 60s -s "$work/cycle.lua" "http://$1" 2>&1)
  python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
m = re.search(r"Transfer/sec:\s+([\d.]+)(\w*)", out)
mult = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}.get(m.group(2), 1)
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
print(f"{rps:.1f} {float(m.group(1)) * mult:.0f} {bad.group(1) if bad else 0}")
PY
}

# start_minqing URL CACHE_MB: starts a server and sets $addr to its address.
start_minqing() {
  local port
  port=$(free_port)
  "$work/minqing" serve --database-url "$1" --addr "127.0.0.1:$port" --tile-cache-mb="$2" --log-level error \
    >>"$work/serve.log" 2>&1 &
  pids+=($!)
  addr="127.0.0.1:$port"
  wait_up "$addr"
}

declare -A ref=([14]=40 [15]=170 [16]=700 [17]=1350)
report="$work/report.txt"
for n in $INCIDENTS; do
  db="bench_$n"
  url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(path="/" + sys.argv[2]).geturl())' "$admin" "$db")
  psql_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(path="/postgres").geturl())' "$admin")
  "$psql" -q -v ON_ERROR_STOP=1 "$psql_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE minqing_template" >/dev/null
  echo "loading the demo with $n incidents…" >&2
  "$work/minqing" demo --database-url "$url" --incidents "$n" >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
  "$psql" -q "$url" -c "VACUUM ANALYZE" >/dev/null

  start_minqing "$url" -1
  cold=$addr
  start_minqing "$url" 1024
  warm=$addr
  tiles="$work/tiles-$n"
  mkdir -p "$tiles"
  fport=$(free_port)
  "$work/fileserver" "127.0.0.1:$fport" "$tiles" &
  pids+=($!)

  {
    echo
    echo "== $n incidents, layer $LAYER (all public properties), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) CPUs"
    printf "%4s %6s %10s %10s %11s %7s %9s %9s %12s\n" zoom tiles "cold t/s" "warm t/s" "static t/s" warm/st "cold MB/s" "warm MB/s" "mean bytes"
  } >>"$report"
  for z in $ZOOMS; do
    list="$work/z$z-$n.txt"
    tile_list "$z" >"$list"
    count=$(wc -l <"$list")
    # Fill the warm cache and the static directory with the same bytes.
    total=0
    while read -r p; do
      mkdir -p "$tiles$(dirname "$p")"
      code=$(curl -s -o "$tiles$p" -w '%{http_code}' "http://$warm$p")
      [ "$code" = 200 ] || [ "$code" = 204 ] || { echo "GET $p: $code" >&2; exit 1; }
      total=$((total + $(stat -c %s "$tiles$p")))
    done <"$list"
    read -r c_rps c_bps c_bad < <(run_wrk "$cold" "$list")
    read -r w_rps w_bps w_bad < <(run_wrk "$warm" "$list")
    read -r s_rps s_bps s_bad < <(run_wrk "127.0.0.1:$fport" "$list")
    [ "$c_bad$w_bad$s_bad" = 000 ] || echo "z$z: non-2xx responses (cold $c_bad, warm $w_bad, static $s_bad)" >&2
    python3 - "$z" "$count" "$c_rps" "$w_rps" "$s_rps" "$c_bps" "$w_bps" "$total" "${ref[$z]:-}" >>"$report" <<'PY'
import sys
z, count, c, w, s, cb, wb, total, ref = sys.argv[1:]
c, w, s, cb, wb = map(float, (c, w, s, cb, wb))
mean = int(total) / int(count)
line = f"{z:>4} {count:>6} {c:>10.0f} {w:>10.0f} {s:>11.0f} {w / s:>7.2f} {cb / 2**20:>9.2f} {wb / 2**20:>9.2f} {mean:>12.0f}"
if ref:
    line += f"   cold = {c / float(ref):.1f}× pg_tileserv's {ref} t/s"
print(line)
PY
    tail -1 "$report" >&2
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
done
cat "$report"
