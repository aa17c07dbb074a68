#!/usr/bin/env bash
# Hotspot speed: minqing's GET /hotspots?res=9 against the naive approach,
# at 20,000 and 1,000,000 incidents, on a throwaway PostGIS (scripts/pg.sh).
#
#   minqing  counts per res-9 cell in SQL (GROUP BY the stored exact res-9
#            cell, column h3_9), then study area + Gi* in Go, over HTTP
#            (curl). "uncached": before each request the incidents layer's
#            version is bumped in SQL (as a write would), so the analysis
#            cache misses and the same query runs again; "cached": the same
#            URL, answered from the cache; "1 month": uncached, with a
#            datetime window of the last closed month (the received_at index).
#            The requests carry no token: they take the public path, which
#            builds the published table (package disclose: three count
#            queries per month of the window) after each bump.
#   rollups  go test -bench CellCounts ./stores/postgis/ on the same
#            database: CellCounts read from the rollups (migration 00004)
#            against the raw GROUP BY, same run, res 7/9/11, windows all /
#            365 days / 30 days (whole Beijing days, as the web map asks),
#            and res 9 by category over 365 days; printed after the table.
#   naive    bench/hotspots-naive: read every point from PostGIS, call H3
#            LatLngToCell per point (hex.FromPoint), count in Go, then the
#            same study area + Gi* (no HTTP).
#
# Every figure is the median of RUNS runs measured in this run; the ratio is
# naive / minqing-uncached. Usage: bench/hotspots.sh [N …] (default 20000
# 1000000); RUNS=5 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg.sh

RUNS=${RUNS:-5}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(20000 1000000)

work=$(mktemp -d /tmp/minqing-bench.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  pg_stop
  rm -rf "$work"
}
pg_start
trap cleanup EXIT

echo "building…" >&2
go build -o "$work/minqing" ./cmd/minqing
go build -o "$work/naive" ./bench/hotspots-naive

admin=$MINQING_TEST_DATABASE
psql_admin() { "$PG_BIN/psql" -q -X "$admin" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# curl_ms URL: the total time of one request in milliseconds (fails on non-2xx).
curl_ms() { curl -sS -f -o /dev/null -w '%{time_total}\n' "$1" | awk '{printf "%.1f\n", $1*1000}'; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
for n in "${SIZES[@]}"; do
  db="bench_$n"
  psql_admin -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE minqing_template"
  url="${admin%/*}/$db?sslmode=disable"
  echo "loading $n incidents…" >&2
  load_start=$(date +%s)
  "$work/minqing" demo --database-url "$url" --incidents "$n" >/dev/null 2>"$work/demo.log" || { cat "$work/demo.log" >&2; exit 1; }
  "$PG_BIN/psql" -q -X "$url" -c "VACUUM ANALYZE incidents" >/dev/null
  echo "  loaded in $(( $(date +%s) - load_start )) s" >&2

  port=$(free_port)
  "$work/minqing" serve --database-url "$url" --addr "127.0.0.1:$port" --log-level warn >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  base="http://127.0.0.1:$port/hotspots?res=9"
  curl_ms "$base" >/dev/null # warm up: connections, the street's area cells
  cells=$(curl -sS "$base" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["features"]))')

  bump() { "$PG_BIN/psql" -q -X "$url" -c "UPDATE layer_versions SET version = version + 1 WHERE layer = 'incidents'" >/dev/null; }
  uncached=$(for _ in $(seq 1 "$RUNS"); do bump; curl_ms "$base"; done | median)
  cached=$(for _ in $(seq 1 "$RUNS"); do curl_ms "$base"; done | median)
  month="$base&datetime=$(date -d "$(date +%Y-%m-15) -1 month" +%Y-%m)" # the last closed month: public windows are whole months
  windowed=$(for _ in $(seq 1 "$RUNS"); do bump; curl_ms "$month"; done | median)

  read -r naive points naive_cells < <("$work/naive" --database-url "$url" --res 9 --runs "$RUNS")
  [ "$points" = "$n" ] || echo "warning: naive read $points points, expected $n" >&2

  # The count query alone (median of RUNS), and its plan for the record.
  sql_ms=$(for _ in $(seq 1 "$RUNS"); do
    "$PG_BIN/psql" -q -X "$url" -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)
      SELECT (((h3)::bigint & ~(15::bigint << 52)) | ((9)::bigint << 52) | ((1::bigint << (3 * (15 - 9))) - 1)) AS cell, count(*)
      FROM incidents GROUP BY 1" >"$work/plan_$n.txt"
    awk '/Execution Time/ {printf "%.1f\n", $3}' "$work/plan_$n.txt"
  done | median)
  # The query as Source.CellCounts sends it (with the group column and
  # ORDER BY), bound as the server binds it.
  sent_ms=$(for _ in $(seq 1 "$RUNS"); do
    "$PG_BIN/psql" -q -X "$url" \
      -c "PREPARE q(bigint) AS SELECT (((h3)::bigint & ~(15::bigint << 52)) | ((((\$1)::integer)::bigint << 52)) | ((1::bigint << (3 * (15 - (\$1)::integer))) - 1)) AS cell, '' AS grp, count(*) FROM incidents WHERE TRUE GROUP BY 1, 2 ORDER BY 1, 2" \
      -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) EXECUTE q(9)" >"$work/plan_sent_$n.txt"
    awk '/Execution Time/ {printf "%.1f\n", $3}' "$work/plan_sent_$n.txt"
  done | median)

  MINQING_ROLLUP_BENCH_URL="$url" go test -run '^$' -bench BenchmarkCellCounts -benchtime "${RUNS}x" ./stores/postgis/ \
    | awk -v n="$n" '/^BenchmarkCellCounts\// {sub(/^BenchmarkCellCounts\//, ""); sub(/-[0-9]+$/, "", $1); printf "%s %s %.1f\n", n, $1, $3/1e6}' >>"$work/rollups.txt"

  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  ratio=$(awk -v a="$naive" -v b="$uncached" 'BEGIN {printf "%.1f", a/b}')
  rows+=("$(printf '%9s | %5s | %9s | %9s | %16s | %9s | %9s | %9s | %6s×' "$n" "$cells" "$sql_ms" "$sent_ms" "$uncached" "$cached" "$windowed" "$naive" "$ratio")")
  echo "  plans of the count query at $n incidents (alone, then as sent):" >&2
  sed 's/^/    /' "$work/plan_$n.txt" "$work/plan_sent_$n.txt" >&2
done

echo
echo "GET /hotspots?res=9 (Gi*, k=1) on PostGIS; medians of $RUNS runs, milliseconds ($(nproc) cores; load average at start $load0, at end $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%9s | %5s | %9s | %9s | %16s | %9s | %9s | %9s | %7s\n' incidents cells "SQL count" "SQL sent" "minqing uncached" "cached" "1 month" naive ratio
printf '%s\n' "----------+-------+-----------+-----------+------------------+-----------+-----------+-----------+--------"
for r in "${rows[@]}"; do echo "$r"; done
echo "minqing: GROUP BY the parent of the stored res-15 cell in SQL; naive: every point read and put through h3 LatLngToCell."
echo "ratio = naive / minqing (uncached). SQL count = EXPLAIN ANALYZE of GROUP BY cell alone;"
echo "SQL sent = the same as CellCounts sends it (group column, ORDER BY, bound parameter)."
echo
echo "CellCounts, raw GROUP BY vs rollups (ms per call, mean of $RUNS; ratio = raw / rollups):"
printf '%9s | %-28s | %9s | %9s | %7s\n' incidents query raw rollups ratio
awk '{k=$1" "$2; sub(/\/(raw|rollups)$/, "", k); if ($2 ~ /\/raw$/) raw[k]=$3; else roll[k]=$3; if (!(k in seen)) {seen[k]=1; order[++n]=k}}
  END {for (i=1;i<=n;i++) {split(order[i], a, " "); printf "%9s | %-28s | %9.1f | %9.1f | %6.1f×\n", a[1], a[2], raw[order[i]], roll[order[i]], raw[order[i]]/roll[order[i]]}}' "$work/rollups.txt"
