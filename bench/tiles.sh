#!/usr/bin/env bash
# Vector tile benchmark: minqing on PostGIS against the SQL baseline, in one
# run. For each zoom it drives wrk, one after the other on the same tiles:
#
#   cold      minqing with no tile cache (every tile is rendered)
#   baseline  bench/tiles-baseline: what pg_tileserv runs — one
#             ST_AsMVT(ST_AsMVTGeom(…)) statement per tile over ST_TileEnvelope,
#             same properties (a staff token's), extent 4096, buffer 64 and
#             20,000-feature cap, through a pool opened as minqing opens its own
#   warm      minqing with every tile in its cache
#   static    a plain Go file server serving the bytes warm served
#
# The tiles are asked with a staff token: the raw incidents (the public's are
# the published cells, disclose). It prints, per zoom: tiles, the
# four rates, cold ÷ baseline, warm ÷ static, and minqing's and the
# baseline's mean and largest tile (uncompressed bytes).
#
#   bench/tiles.sh                         20,000 and 1,000,000 incidents
#   INCIDENTS="20000" DURATION=5s ZOOMS="15 16 17" bench/tiles.sh
#   MINQING_BIN=/path/to/other/minqing bench/tiles.sh   another build (e.g. main, for before/after)
#   REUSE=1 bench/tiles.sh                 keep the databases a previous run loaded (bench_tiles_N)
#   FILTERS="datetime=2026-02-23/2026-03-01 category=漏水" bench/tiles.sh
#                                          also, per filter and zoom, every tile once from the cold
#                                          server, one client: mean and slowest ms (the web map's
#                                          windows and categories; the demo's days end today)
#
# For each data set it loads the demo into a throwaway PostGIS database
# (scripts/pg.sh) and lists every tile of the street's area (lon
# 116.270–116.305, lat 39.845–39.870) at each zoom.
#
# Needs: wrk, curl, python3, PostgreSQL + PostGIS (scripts/pg.sh), Go.
set -euo pipefail
cd "$(dirname "$0")/.."

INCIDENTS=${INCIDENTS:-"20000 1000000"}
DURATION=${DURATION:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
LAYER=${LAYER:-incidents}
ZOOMS=${ZOOMS:-"10 11 12 13 14 15 16 17 18"}

for tool in wrk curl python3 go; do
  command -v "$tool" >/dev/null || { echo "bench/tiles.sh needs $tool" >&2; exit 1; }
done

. scripts/pg.sh
. bench/lib/tiles.sh
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

echo "building minqing, the baseline and the file server…" >&2
if [ -n "${MINQING_BIN:-}" ]; then cp "$MINQING_BIN" "$work/minqing"; else go build -o "$work/minqing" ./cmd/minqing; fi
go build -o "$work/baseline" ./bench/tiles-baseline
build_tile_tools

# fill ADDR LIST DIR: fetches every tile of LIST into DIR; prints "total-bytes max-bytes".
fill() {
  local total=0 max=0 p code size
  while read -r p; do
    mkdir -p "$3$(dirname "$p")"
    code=$(curl -s -H "Authorization: Bearer $token" -o "$3$p" -w '%{http_code}' "http://$1$p")
    [ "$code" = 200 ] || [ "$code" = 204 ] || { echo "GET $1$p: $code" >&2; exit 1; }
    size=$(stat -c %s "$3$p")
    total=$((total + size))
    [ "$size" -gt "$max" ] && max=$size
  done <"$2"
  echo "$total $max"
}

report="$work/report.txt"
for n in $INCIDENTS; do
  db="bench_tiles_$n"
  url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(path="/" + sys.argv[2]).geturl())' "$admin" "$db")
  psql_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(path="/postgres").geturl())' "$admin")
  if [ "${REUSE:-}" = 1 ] && "$psql" -Atq "$psql_url" -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    echo "reusing $db (REUSE=1)…" >&2
  else
    "$psql" -q -v ON_ERROR_STOP=1 "$psql_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE minqing_template" >/dev/null
    echo "loading the demo with $n incidents…" >&2
    "$work/minqing" demo --database-url "$url" --incidents "$n" >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
    "$psql" -q "$url" -c "VACUUM ANALYZE" >/dev/null
  fi
  token=$("$work/minqing" token add --database-url "$url" --role staff --name "bench-$$" 2>/dev/null)

  start_server "$work/minqing" "$url" -1
  cold=$addr
  start_server "$work/minqing" "$url" 1024
  warm=$addr
  tiles="$work/tiles-$n"
  btiles="$work/base-$n"
  mkdir -p "$tiles" "$btiles"
  fport=$(free_port)
  "$work/fileserver" "127.0.0.1:$fport" "$tiles" &
  pids+=($!)
  bport=$(free_port)
  "$work/baseline" --database-url "$url" --addr "127.0.0.1:$bport" 2>>"$work/serve.log" &
  pids+=($!)
  wait_up "127.0.0.1:$bport"

  {
    echo
    echo "== $n incidents, layer $LAYER (staff token), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) CPUs"
    printf "%4s %6s %9s %9s %9s %9s %9s %8s %10s %10s %10s %10s\n" zoom tiles "cold t/s" "base t/s" cold/base "warm t/s" "stat t/s" warm/st "mean B" "max B" "base mean" "base max"
  } >>"$report"
  # One z17 tile first: the cold server loads its in-memory index of the
  # incidents (tiles.PointIndex, up to 200,000) in the background, as a
  # running server does after its first tile; tiles are still rendered,
  # never cached.
  tile_list 17 >"$work/prime.txt"
  curl -s -o /dev/null -H "Authorization: Bearer $token" "http://$cold$(head -1 "$work/prime.txt")"
  sleep 3
  for z in $ZOOMS; do
    list="$work/z$z-$n.txt"
    tile_list "$z" >"$list"
    count=$(wc -l <"$list")
    # Fill the warm cache and the static directory with the same bytes.
    read -r total max < <(fill "$warm" "$list" "$tiles")
    read -r btotal bmax < <(fill "127.0.0.1:$bport" "$list" "$btiles")
    read -r c_rps c_bps c_bad < <(run_wrk "$cold" "$list")
    read -r b_rps b_bps b_bad < <(run_wrk "127.0.0.1:$bport" "$list")
    read -r w_rps w_bps w_bad < <(run_wrk "$warm" "$list")
    read -r s_rps s_bps s_bad < <(run_wrk "127.0.0.1:$fport" "$list")
    [ "$c_bad$b_bad$w_bad$s_bad" = 0000 ] || echo "z$z: non-2xx responses (cold $c_bad, baseline $b_bad, warm $w_bad, static $s_bad)" >&2
    python3 - "$z" "$count" "$c_rps" "$b_rps" "$w_rps" "$s_rps" "$total" "$max" "$btotal" "$bmax" >>"$report" <<'PY'
import sys
z, count, c, b, w, s, total, mx, btotal, bmax = sys.argv[1:]
c, b, w, s = map(float, (c, b, w, s))
n = int(count)
ratio = lambda a, b: f"{a / b:>8.2f}" if b else "       ∞"  # the baseline finished no request
print(f"{z:>4} {n:>6} {c:>9.0f} {b:>9.1f} {ratio(c, b)}× {w:>9.0f} {s:>9.0f} {ratio(w, s)} {int(total) / n:>10.0f} {int(mx):>10} {int(btotal) / n:>10.0f} {int(bmax):>10}")
PY
    tail -1 "$report" >&2
  done
  for f in ${FILTERS:-}; do
    for z in $ZOOMS; do
      python3 - "$cold" "$token" "$f" "$work/z$z-$n.txt" "$z" >>"$report" <<'PY'
import sys, time, urllib.parse, urllib.request
addr, token, f, lst, z = sys.argv[1:]
qs = urllib.parse.quote(f, safe="=&/,")
ms = []
for path in open(lst).read().split():
    req = urllib.request.Request(f"http://{addr}{path}?{qs}", headers={"Authorization": f"Bearer {token}"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        r.read()
    ms.append((time.perf_counter() - t0) * 1000)
print(f"  {f} z{z}: {len(ms)} tiles, one client, cold: mean {sum(ms) / len(ms):.1f} ms, slowest {max(ms):.0f} ms")
PY
      tail -1 "$report" >&2
    done
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
done
cat "$report"
