#!/usr/bin/env bash
# Soak test: minqing on a throwaway PostGIS with the demo loaded, under a
# bounded wrk load (CONNS connections, default 64; a Lua mix of tiles, OGC
# items, a GeoJSON layer and hot spots: bench/soak.lua) in two phases of
# DURATION seconds each (default 60):
#
#   A  the load alone;
#   B  the load with SLOW slow readers attached (default 16: curl
#      --limit-rate 1k on /export/incidents.geojson), and one PostgreSQL
#      restart (pg_ctl restart -m fast) in its middle.
#
# Beside wrk, a probe times "fast requests" one at a time (an OGC items page
# of one feature, a cached tile); their p50/p99 are given per phase, phase
# B's without the samples taken while the store was restarting. It prints
# the requests, the 503s and the other 5xx (the goal is none), the probes'
# p50/p99 and the server's RSS and open file descriptors before and after.
# Everything listens on 127.0.0.1 only.
#
# Usage: bench/soak.sh            (DURATION=20 SLOW=4 bench/soak.sh for a short run)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg.sh

DURATION=${DURATION:-60}
CONNS=${CONNS:-64}
SLOW=${SLOW:-16}
INCIDENTS=${INCIDENTS:-20000}
command -v wrk >/dev/null || { echo "bench/soak.sh needs wrk: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d /tmp/minqing-soak.XXXXXX)
server_pid=""
probe_pid=""
slow_pids=()
stop_slow() {
  local p
  for p in "${slow_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${slow_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  slow_pids=()
}
cleanup() {
  stop_slow
  [ -n "$probe_pid" ] && { kill "$probe_pid" 2>/dev/null || true; wait "$probe_pid" 2>/dev/null || true; }
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  pg_stop
  rm -rf "$work"
}
pg_start
trap cleanup EXIT

echo "building…" >&2
go build -o "$work/minqing" ./cmd/minqing
admin=$MINQING_TEST_DATABASE
db=bench_soak
"$PG_BIN/psql" -q -X "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE minqing_template"
url="${admin%/*}/$db?sslmode=disable"
echo "loading the demo ($INCIDENTS incidents)…" >&2
"$work/minqing" demo --database-url "$url" --incidents "$INCIDENTS" >/dev/null

# Incidents' points are staff-only (--public-incidents aggregates): the slow
# readers, the OGC items in the mix and the probe read them with a staff
# token; tiles, layers and hot spots are asked as the public.
staff=$("$work/minqing" token add --role staff --name soak --database-url "$url")
export MINQING_SOAK_TOKEN=$staff
auth=(-H "Authorization: Bearer $staff")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$work/minqing" serve --database-url "$url" --addr "127.0.0.1:$port" --log-level warn 2>"$work/server.log" >/dev/null &
server_pid=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "$base/readyz" && break; sleep 0.2; done
curl -sf -o /dev/null "$base/readyz" || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

# rss_fds prints the server's resident memory (MB) and open descriptors.
rss_fds() {
  echo "$(( $(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status") / 1024 )) MB, $(ls "/proc/$server_pid/fd" | wc -l) fds"
}

# A warm-up, so that "before" is a server that has served.
wrk -t2 -c8 -d3s -s bench/soak.lua "$base" >/dev/null
sleep 1
before=$(rss_fds)

# probe FILE: one fast request at a time, "epoch_seconds ms status" per line.
probe() {
  local i=0 t
  t=$(curl -s -o /dev/null "$base/tiles/communities,streets,incidents/14/13479/6208.mvt" -w '%{http_code}')
  while :; do
    if [ $((i % 2)) = 0 ]; then t="$base/ogc/collections/incidents/items?limit=1"; else t="$base/tiles/communities,streets,incidents/14/13479/6208.mvt"; fi
    # a timed-out request counts as 30 s with status 000
    { curl -s -o /dev/null -m 30 "${auth[@]}" -w "%{time_total} %{http_code}\n" "$t" || true; } |
      awk -v now="$(date +%s.%N)" '{printf "%s %.2f %s\n", now, $1*1000, $2}' >>"$1" || true
    i=$((i + 1))
    sleep 0.05
  done
}

# percentiles FILE FROM TO [SKIP_FROM SKIP_TO]: p50 and p99 (ms) of the
# probes taken between FROM and TO, skipping a window.
percentiles() {
  awk -v from="$2" -v to="$3" -v s0="${4:-0}" -v s1="${5:-0}" \
    '$1 >= from && $1 <= to && !($1 >= s0 && $1 <= s1) && $3 < 500 {print $2}' "$1" | sort -n |
    awk '{v[NR] = $1} END {if (NR == 0) {print "n=0"; exit} i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1; printf "p50 %.1f ms, p99 %.1f ms (n=%d)", v[i50], v[i99], NR}'
}

echo "phase A: ${DURATION}s of $CONNS connections…" >&2
probe "$work/probe-a" & probe_pid=$!
a_start=$(date +%s.%N)
wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 30s -s bench/soak.lua "$base" >"$work/wrk-a"
a_end=$(date +%s.%N)
kill "$probe_pid" 2>/dev/null || true; wait "$probe_pid" 2>/dev/null || true; probe_pid=""

echo "phase B: the same with $SLOW slow readers and a PostgreSQL restart in the middle…" >&2
for _ in $(seq 1 "$SLOW"); do
  curl -s --limit-rate 1k -o /dev/null "${auth[@]}" "$base/export/incidents.geojson" & slow_pids+=($!)
done
sleep 2
probe "$work/probe-b" & probe_pid=$!
b_start=$(date +%s.%N)
wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 30s -s bench/soak.lua "$base" >"$work/wrk-b" &
wrk_pid=$!
sleep $((DURATION / 2))
r_start=$(date +%s.%N)
run=()
[ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
"${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w restart >/dev/null
for _ in $(seq 1 300); do curl -sf -m 5 -o /dev/null "$base/readyz" && break; sleep 0.2; done
r_end=$(awk -v t="$(date +%s.%N)" 'BEGIN {printf "%.3f", t + 1}')
wait "$wrk_pid"
b_end=$(date +%s.%N)
kill "$probe_pid" 2>/dev/null || true; wait "$probe_pid" 2>/dev/null || true; probe_pid=""
slow_alive=0
for p in "${slow_pids[@]}"; do kill -0 "$p" 2>/dev/null && slow_alive=$((slow_alive + 1)); done
stop_slow
sleep 5 # let the server close what the clients left
after=$(rss_fds)

field() { sed -n 's/.*\b'"$2"'=\([0-9.]*\).*/\1/p' "$1"; }
for ph in a b; do
  grep -q '^SOAK' "$work/wrk-$ph" || { echo "wrk phase $ph printed no summary:" >&2; cat "$work/wrk-$ph" >&2; exit 1; }
done
echo
echo "minqing soak: $CONNS connections, 2 × ${DURATION}s, $SLOW slow readers in phase B, $INCIDENTS incidents, PostGIS restarted once"
printf '%-6s %10s %8s %8s %10s %9s %20s\n' phase requests 503 "(busy)" "other 5xx" "sock err" "wrk p50 / p99 (ms)"
for ph in a b; do
  f="$work/wrk-$ph"
  printf '%-6s %10s %8s %8s %10s %9s %20s\n' "$ph" "$(field "$f" requests)" "$(field "$f" s503)" "($(field "$f" busy))" "$(field "$f" s5xx_other)" \
    "$(field "$f" socket_errors)" "$(field "$f" p50_ms) / $(field "$f" p99_ms)"
done
echo "fast requests, phase A (no slow readers):   $(percentiles "$work/probe-a" "$a_start" "$a_end")"
echo "fast requests, phase B ($SLOW slow readers): $(percentiles "$work/probe-b" "$b_start" "$b_end" "$r_start" "$r_end")"
echo "probe failures (5xx other than 503, or no answer in 30 s): A $(awk '($3 >= 500 && $3 != 503) || $3 == "000"' "$work/probe-a" | wc -l), B $(awk '($3 >= 500 && $3 != 503) || $3 == "000"' "$work/probe-b" | wc -l); 503 during B: $(awk '$3 == 503' "$work/probe-b" | wc -l)"
echo "PostgreSQL restart: $(awk -v a="$r_start" -v b="$r_end" 'BEGIN {printf "%.1f", b - 1 - a}') s until /readyz said ready again"
echo "slow readers still connected at the end of B: $slow_alive of $SLOW"
echo "server before: $before; after: $after"
echo "server log: $(grep -c 'level=ERROR' "$work/server.log" || true) error lines, $(wc -l <"$work/server.log") lines in all; the first errors:"
grep 'level=ERROR' "$work/server.log" | head -5 | cut -c1-300
