#!/usr/bin/env bash
# City-scale simulation: SIZE synthetic incidents over 40 streets in one
# PostGIS database on this machine (scripts/pg.sh makes a throwaway cluster),
# then the database size and the latencies a deployment lives with: a cold
# public incident tile (z14, z15) and a cold staff one, a public hot spot
# analysis (/hotspots?res=9) and the 接诉即办 rates (/rates, staff), each
# uncached (the incidents layer's version is bumped before every request, as
# a write would) and, for the ratio, the same request cached.
#
# Generation is SQL (generate_series), not the importer: the demo loads
# BASE incidents of 丰台街道, then SQL copies them SIZE/BASE times, copy g
# moved to street g % 40 (an 8 × 5 grid of street-sized offsets, 0.04° ×
# 0.03°) and back in time by g minutes. The copies keep the stored res-15 H3
# cell of their original (H3 is computed in Go on write; PostGIS here has no
# H3 extension), so hot spots see 40 streets' incidents in one street's cells
# — the same rows scanned, a denser map. Tiles are measured over the first
# street, which holds 1/40 of the rows, as one street's map would be.
#
#   SIZE=1000000 bench/scale.sh      # default; SIZE=10000000 for the 10M run
#   RUNS=5 (medians), BASE=20000
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg.sh

SIZE=${SIZE:-1000000}
BASE=${BASE:-20000}
RUNS=${RUNS:-5}
COPIES=$(( (SIZE + BASE - 1) / BASE ))

work=$(mktemp -d /tmp/minqing-scale.XXXXXX)
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
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

admin=$MINQING_TEST_DATABASE
db=scale_$SIZE
"$PG_BIN/psql" -q -X "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE minqing_template"
url="${admin%/*}/$db?sslmode=disable"
sql() { "$PG_BIN/psql" -q -X -At "$url" "$@"; }

t0=$(date +%s)
echo "demo: $BASE incidents…" >&2
"$work/minqing" demo --database-url "$url" --incidents "$BASE" >/dev/null 2>"$work/demo.log" || { cat "$work/demo.log" >&2; exit 1; }
echo "SQL: $COPIES copies over 40 streets…" >&2
sql <<SQL
CREATE TEMP TABLE seed AS SELECT * FROM incidents;
TRUNCATE incidents CASCADE;
INSERT INTO incidents (source, category, subcategory, description, address, community, patch, status,
       received_at, dispatched_at, responded_at, resolved_at, closed_at, satisfied, unit, level, h3, geom)
SELECT s.source, s.category, s.subcategory, s.description, s.address, s.community, s.patch, s.status,
       s.received_at - g * interval '1 minute', s.dispatched_at - g * interval '1 minute',
       s.responded_at - g * interval '1 minute', s.resolved_at - g * interval '1 minute',
       s.closed_at - g * interval '1 minute', s.satisfied, s.unit, s.level, s.h3,
       ST_Translate(s.geom, (g % 40 % 8) * 0.04, (g % 40 / 8) * 0.03)
FROM generate_series(0, $COPIES - 1) AS g, seed AS s
LIMIT $SIZE;
UPDATE layer_versions SET version = version + 1 WHERE layer = 'incidents';
VACUUM ANALYZE incidents;
SQL
gen_s=$(( $(date +%s) - t0 ))
rows=$(sql -c "SELECT count(*) FROM incidents")
db_size=$(sql -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
tbl_size=$(sql -c "SELECT pg_size_pretty(pg_total_relation_size('incidents'))")
db_bytes=$(sql -c "SELECT pg_database_size(current_database())")

staff=$("$work/minqing" token add --database-url "$url" --role staff --name scale 2>/dev/null | tail -1 | awk '{print $NF}')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$work/minqing" serve --database-url "$url" --addr "127.0.0.1:$port" --log-level warn >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
base="http://127.0.0.1:$port"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bump() { sql -c "UPDATE layer_versions SET version = version + 1 WHERE layer = 'incidents'" >/dev/null; }
# ms URL [token]: one request's total time in milliseconds (fails on 4xx/5xx).
ms() {
  local auth=()
  [ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2")
  curl -sS -f -o /dev/null "${auth[@]}" -w '%{time_total}\n' "$1" | awk '{printf "%.1f\n", $1*1000}'
}
cold() { for _ in $(seq 1 "$RUNS"); do bump; ms "$@"; done | median; }
warm() { ms "$@" >/dev/null; for _ in $(seq 1 "$RUNS"); do ms "$@"; done | median; }
bytes() { local auth=(); [ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2"); curl -sS -o /dev/null "${auth[@]}" -w '%{size_download}' "$1"; }

# The first street's centre tiles (丰台街道, 116.287,39.857).
z14="$base/tiles/incidents/14/13484/6211.mvt"
z15="$base/tiles/incidents/15/26968/12422.mvt"
hot="$base/hotspots?res=9"
rates="$base/rates"
ms "$z14" >/dev/null # warm up connections and the street's cells

declare -a out
row() { out+=("$(printf '%-34s | %10s | %10s | %8s | %s' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" 'BEGIN {if (b>0) printf "%.0f×", a/b; else print "-"}')" "$4")"); }
row "public incidents tile z14" "$(cold "$z14")" "$(warm "$z14")" "$(bytes "$z14") B"
row "public incidents tile z15" "$(cold "$z15")" "$(warm "$z15")" "$(bytes "$z15") B"
row "staff incidents tile z15" "$(cold "$z15" "$staff")" "$(warm "$z15" "$staff")" "$(bytes "$z15" "$staff") B"
row "public /hotspots?res=9" "$(cold "$hot")" "$(warm "$hot")" ""
if curl -sf -o /dev/null -H "Authorization: Bearer $staff" "$rates"; then
  row "staff /rates" "$(cold "$rates" "$staff")" "$(warm "$rates" "$staff")" ""
else
  row "staff /rates" "n/a" "n/a" "(GET /rates failed: $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $staff" "$rates"))"
fi

echo
echo "bench/scale.sh at commit $commit: $rows incidents over 40 streets (SIZE=$SIZE), generated in ${gen_s} s"
echo "database $db_size ($db_bytes bytes), incidents with indexes $tbl_size; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $RUNS requests, milliseconds; cold = the incidents layer's version bumped before each request"
printf '%-34s | %10s | %10s | %8s | %s\n' request cold warm cold/warm size
echo "-----------------------------------+------------+------------+----------+------"
for r in "${out[@]}"; do echo "$r"; done
