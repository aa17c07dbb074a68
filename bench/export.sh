#!/usr/bin/env bash
# Export speed and memory: 1,000,000 incidents as GeoJSON from PostGIS, with
# minqing and with ogr2ogr (what a planner would use instead), side by side
# in the same run, on a throwaway PostGIS (scripts/pg.sh).
#
#   minqing http   GET /export/incidents.geojson with a staff token, through
#                  curl -o /dev/null; peak RSS is the server process's
#                  (measured from its start, so it includes the idle server).
#   minqing cli    minqing export --format geojson --role staff -o FILE
#   ogr2ogr        ogr2ogr -f GeoJSON FILE PG:"…" incidents
#
# Every exporter writes every incident with every column its role sees;
# minqing rounds coordinates to 7 decimals, ogr2ogr writes its default 15
# significant digits. Figures are the median of RUNS runs (default 3);
# seconds are wall-clock, peak RSS from /usr/bin/time -v. The ratio is
# ogr2ogr / minqing: above 1, minqing is faster or smaller.
# Usage: bench/export.sh [N] (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg.sh

N=${1:-1000000}
RUNS=${RUNS:-3}

if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  else
    echo "bench/export.sh needs GNU time: apt-get install time" >&2
    exit 1
  fi
fi
command -v ogr2ogr >/dev/null || { echo "bench/export.sh needs ogr2ogr: apt-get install gdal-bin" >&2; exit 1; }

work=$(mktemp -d /tmp/minqing-bench.XXXXXX)
server_pid=""
# stop_server interrupts the server under /usr/bin/time (which ignores
# SIGINT itself, so the signal goes to its child) and waits for the report.
stop_server() {
  [ -n "$server_pid" ] || return 0
  pkill -INT -P "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
cleanup() {
  stop_server
  pg_stop
  rm -rf "$work"
}
pg_start
trap cleanup EXIT

echo "building…" >&2
go build -o "$work/minqing" ./cmd/minqing

admin=$MINQING_TEST_DATABASE
db=bench_export
"$PG_BIN/psql" -q -X "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE minqing_template"
url="${admin%/*}/$db?sslmode=disable"
hostport=${admin#postgres://postgres@}; hostport=${hostport%%/*}
pg_dsn="host=${hostport%:*} port=${hostport#*:} dbname=$db user=postgres"

echo "loading $N incidents…" >&2
load_start=$(date +%s)
"$work/minqing" demo --database-url "$url" --incidents "$N" >/dev/null
"$PG_BIN/psql" -q -X "$url" -c "VACUUM ANALYZE" >/dev/null
echo "  loaded in $(( $(date +%s) - load_start )) s" >&2
token=$("$work/minqing" token add --database-url "$url" --role staff --name bench 2>/dev/null)

# timed FILE CMD…: runs CMD under /usr/bin/time -v and prints "seconds peak_MB".
timed() {
  local out=$1; shift
  /usr/bin/time -v -o "$out" "$@" >/dev/null
  awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; sec=s}
              /Maximum resident set size/ {rss=$2/1024}
              END {printf "%.2f %.0f\n", sec, rss}' "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# run_http: one export through minqing serve; prints "seconds peak_MB bytes".
run_http() {
  local port t
  port=$(free_port)
  /usr/bin/time -v -o "$work/serve.time" "$work/minqing" serve --database-url "$url" --addr "127.0.0.1:$port" --log-level warn >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  t=$(curl -sS -f -o /dev/null -H "Authorization: Bearer $token" -w '%{time_total} %{size_download}' "http://127.0.0.1:$port/export/incidents.geojson")
  stop_server
  echo "${t%% *} $(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/serve.time") ${t##* }"
}

# Each run appends "seconds peak_MB bytes" to $work/<exporter>.runs.
for i in $(seq 1 "$RUNS"); do
  echo "run $i/$RUNS…" >&2
  run_http >>"$work/http.runs"
  timed "$work/cli.time" "$work/minqing" export --database-url "$url" --layer incidents --format geojson --role staff -o "$work/minqing.geojson" >"$work/x"
  echo "$(cat "$work/x") $(stat -c %s "$work/minqing.geojson")" >>"$work/cli.runs"
  rm -f "$work/ogr.geojson"
  timed "$work/ogr.time" ogr2ogr -f GeoJSON "$work/ogr.geojson" PG:"$pg_dsn" incidents >"$work/x"
  echo "$(cat "$work/x") $(stat -c %s "$work/ogr.geojson")" >>"$work/ogr.runs"
done

# col EXPORTER N: the median of column N of the exporter's runs.
col() { awk -v c="$2" '{print $c}' "$work/$1.runs" | median; }
ogr_s=$(col ogr 1); ogr_m=$(col ogr 2)
echo
echo "export of $N incidents as GeoJSON (median of $RUNS runs; $(nproc) cores)"
printf "%-14s %10s %12s %10s %16s %16s\n" exporter seconds "peak RSS MB" "size MB" "ogr2ogr/x time" "ogr2ogr/x RSS"
for k in http cli ogr; do
  s=$(col $k 1); m=$(col $k 2); b=$(col $k 3)
  case $k in http) name="minqing http" ;; cli) name="minqing cli" ;; ogr) name="ogr2ogr" ;; esac
  printf "%-14s %10.2f %12.0f %10.0f %16.2f %16.2f\n" "$name" "$s" "$m" "$(( b / 1048576 ))" \
    "$(awk -v a="$ogr_s" -v b="$s" 'BEGIN{print a/b}')" "$(awk -v a="$ogr_m" -v b="$m" 'BEGIN{print a/b}')"
done
