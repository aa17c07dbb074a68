#!/usr/bin/env bash
# Loads a generated 1,000,000-row 12345 work-order CSV (UTF-8, Chinese
# headers, 经度/纬度) into a throwaway PostGIS twice, in the same run:
#   1. minqing import --layer incidents   (validation, vocabulary mapping,
#      community/patch by point-in-polygon, H3 cell, contacts kept apart,
#      one transaction, COPY into a staging table)
#   2. ogr2ogr -f PostgreSQL … -oo X_POSSIBLE_NAMES=经度 -oo Y_POSSIBLE_NAMES=纬度
#      (what a planner would use: every column as text, no checks)
# and prints wall seconds and peak RSS (/usr/bin/time -v) for both, and the
# ratios minqing/ogr2ogr.
#   bench/import.sh [ROWS]     (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}

if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; fi
  [ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
fi
command -v ogr2ogr >/dev/null || { echo "needs ogr2ogr (apt-get install gdal-bin)" >&2; exit 1; }

. scripts/pg.sh
pg_start
WORK=$(mktemp -d /tmp/minqing-bench-import.XXXXXX)
[ "$(id -u)" = 0 ] && chmod 755 "$WORK"
trap 'pg_stop; rm -rf "$WORK"' EXIT

echo "== building minqing" >&2
go build -o "$WORK/minqing" ./cmd/minqing

echo "== generating $ROWS work orders" >&2
CSV="$WORK/12345工单.csv"
awk -v n="$ROWS" 'BEGIN {
  srand(20260305)
  split("水管漏水,停电,雨箅子破损,地面塌陷,污水井冒污水,燃气异味,施工噪音,装修扰民,违建,停水,暖气不热,乱停车,垃圾清运,占道经营", cat, ",")
  split("12345热线,12345,街道热线,网格员,微信", src, ",")
  split("张,王,李,赵,刘,陈,杨,黄", fam, ",")
  print "工单编号,受理时间,来电人,联系电话,诉求来源,问题分类,诉求内容,地址,经度,纬度,承办单位,办结时间,是否解决,是否满意"
  for (i = 1; i <= n; i++) {
    d = 1 + int(rand() * 28); h = int(rand() * 24); m = int(rand() * 60)
    c = cat[1 + int(rand() * 14)]
    lon = 116.270 + rand() * 0.035; lat = 39.845 + rand() * 0.025
    done = rand() < 0.7
    fin = done ? sprintf("2026/3/%d %d:%02d", d + 1 > 28 ? 28 : d + 1, h, m) : ""
    ok = done ? (rand() < 0.9 ? "是" : "否") : ""
    sat = done ? (rand() < 0.8 ? "满意" : "不满意") : ""
    printf "GD2026%08d,2026/3/%d %d:%02d,%s先生,138%08d,%s,%s,居民反映%s，请尽快处理,丰台街道%d号楼,%.6f,%.6f,街道城管科,%s,%s,%s\n",
      i, d, h, m, fam[1 + int(rand() * 8)], int(rand() * 1e8), src[1 + int(rand() * 5)], c, c, int(rand() * 200), lon, lat, fin, ok, sat
  }
}' > "$CSV"
SIZE=$(stat -c %s "$CSV")
echo "   $(( SIZE / 1048576 )) MiB" >&2

PORT=$(echo "$MINQING_TEST_DATABASE" | sed -E 's#.*:([0-9]+)/.*#\1#')
"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE bench TEMPLATE minqing_template"
URL="postgres://postgres@127.0.0.1:$PORT/bench?sslmode=disable"
"$WORK/minqing" migrate --database-url "$URL" >/dev/null
# The street's 25 communities (for point-in-polygon) and a few demo incidents.
"$WORK/minqing" demo --database-url "$URL" --incidents 100 --as-of 2026-03-01 >/dev/null 2>&1

measure() { # name, command…: runs it under /usr/bin/time -v, prints "seconds rss_kib"
  local name=$1; shift
  /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || {
    echo "$name failed:" >&2; tail -20 "$WORK/$name.err" "$WORK/$name.out" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$WORK/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$name.time")
  echo "$wall $rss"
}

echo "== minqing import" >&2
read -r MQ_S MQ_RSS < <(measure minqing "$WORK/minqing" import --database-url "$URL" --layer incidents --progress=false "$CSV")
grep -E "rows read|inserted" "$WORK/minqing.out" >&2 || true

echo "== ogr2ogr" >&2
read -r OGR_S OGR_RSS < <(measure ogr2ogr ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 port=$PORT user=postgres dbname=bench" "$CSV" \
  -oo X_POSSIBLE_NAMES=经度 -oo Y_POSSIBLE_NAMES=纬度 -a_srs EPSG:4326 -nln ogr_incidents)

MQ_N=$("$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PORT" -U postgres -d bench -c "SELECT count(*) FROM incidents WHERE external_id LIKE 'GD2026%'")
OGR_N=$("$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PORT" -U postgres -d bench -c "SELECT count(*) FROM ogr_incidents")
ASSIGNED=$("$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PORT" -U postgres -d bench -c "SELECT count(*) FROM incidents WHERE external_id LIKE 'GD2026%' AND community IS NOT NULL")
CONTACTS=$("$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PORT" -U postgres -d bench -c "SELECT count(*) FROM incident_contacts")

printf '\n%s rows, %d MiB CSV (UTF-8)\n' "$ROWS" $(( SIZE / 1048576 ))
printf '%-16s %10s %12s %12s %10s\n' "" seconds "peak RSS" rows "rows/s"
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }'; }
printf '%-16s %10.1f %9d MiB %12d %10.0f\n' "minqing import" "$MQ_S" $(( MQ_RSS / 1024 )) "$MQ_N" "$(div "$MQ_N" "$MQ_S")"
printf '%-16s %10.1f %9d MiB %12d %10.0f\n' "ogr2ogr" "$OGR_S" $(( OGR_RSS / 1024 )) "$OGR_N" "$(div "$OGR_N" "$OGR_S")"
printf 'ratio minqing/ogr2ogr: time %.2fx, peak RSS %.2fx\n' "$(div "$MQ_S" "$OGR_S")" "$(div "$MQ_RSS" "$OGR_RSS")"
printf 'minqing also: %d incidents assigned a community by point-in-polygon, %d contacts kept apart\n' "$ASSIGNED" "$CONTACTS"
