#!/usr/bin/env bash
# City-scale simulation: SIZE synthetic incidents over 40 streets in one
# PostGIS database on this machine (scripts/pg.sh makes a throwaway cluster),
# then the database size and the latencies a deployment lives with: a cold
# public incident tile (z14, z15) and a cold staff one, a public hot spot
# analysis (/hotspots?res=9, plain and gzipped) and the 接诉即办 rates (/rates, staff), each
# three ways in the same run: after a write that may have changed every
# month (the month marks' epoch moved: every closed month's published table
# is counted again), after one incident taken in through the API (the
# month in progress changes, the closed months keep their tables), and
# cached.
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
# ms URL [token]: one request's total time in milliseconds (fails on 4xx/5xx);
# with GZIP=1 the request asks for gzip, as browsers do.
ms() {
  local auth=()
  [ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2")
  [ "${GZIP:-}" = 1 ] && auth+=(-H "Accept-Encoding: gzip")
  curl -sS -f -o /dev/null "${auth[@]}" -w '%{time_total}\n' "$1" | awk '{printf "%.1f\n", $1*1000}'
}
# intake: one incident taken in now, through the API, at the first street's
# centre (a write today: the month in progress changes, no closed month).
intake() {
  curl -sS -f -o /dev/null -X POST -H "Authorization: Bearer $staff" -H 'Content-Type: application/json' \
    -d '{"lon": 116.2871, "lat": 39.8568, "category": "停电", "source": "网格", "description": "bench/scale.sh"}' "$base/incidents"
}
# every: every month may have changed (the marks' epoch moves, as a TRUNCATE
# moves it), and the version is bumped: every closed month is counted again,
# as every write did before the month marks.
every() {
  sql -c "INSERT INTO incident_month_marks VALUES ('-infinity', nextval('incident_month_mark_seq')) ON CONFLICT (month) DO UPDATE SET mark = EXCLUDED.mark" >/dev/null
  bump
}
cold() { for _ in $(seq 1 "$RUNS"); do intake; ms "$@"; done | median; }
coldAll() { for _ in $(seq 1 "$RUNS"); do every; ms "$@"; done | median; }
warm() { ms "$@" >/dev/null; for _ in $(seq 1 "$RUNS"); do ms "$@"; done | median; }
bytes() {
  local auth=()
  [ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2")
  [ "${GZIP:-}" = 1 ] && auth+=(-H "Accept-Encoding: gzip")
  curl -sS -o /dev/null "${auth[@]}" -w '%{size_download}' "$1"
}

# The first street's centre tiles (丰台街道, 116.287,39.857).
z14="$base/tiles/incidents/14/13484/6211.mvt"
z15="$base/tiles/incidents/15/26968/12422.mvt"
hot="$base/hotspots?res=9"
rates="$base/rates"
ms "$z14" >/dev/null # warm up connections and the street's cells

declare -a out
# row NAME ALL COLD WARM SIZE
row() {
  out+=("$(printf '%-28s | %10s | %10s | %8s | %10s | %8s | %s' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4" "$(ratio "$3" "$4")" "$5")")
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b>0) printf "%.1f×", a/b; else print "-"}'; }
both() { row "$1" "$(coldAll "${@:2}")" "$(cold "${@:2}")" "$(warm "${@:2}")" "$(bytes "${@:2}")"; }
both "public incidents tile z14" "$z14"
both "public incidents tile z15" "$z15"
both "staff incidents tile z15" "$z15" "$staff"
both "public /hotspots?res=9" "$hot"
GZIP=1 both "public /hotspots?res=9, gzip" "$hot"
if curl -sf -o /dev/null -H "Authorization: Bearer $staff" "$rates"; then
  both "staff /rates" "$rates" "$staff"
else
  row "staff /rates" "n/a" "n/a" "n/a" "(GET /rates failed: $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $staff" "$rates"))"
fi

echo
echo "bench/scale.sh at commit $commit: $rows incidents over 40 streets (SIZE=$SIZE), generated in ${gen_s} s"
echo "database $db_size ($db_bytes bytes), incidents with indexes $tbl_size; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $RUNS requests, milliseconds. every month: before each request every month may have changed"
echo "(the marks' epoch moved: all closed months counted again, as after any write before the month marks);"
echo "after intake: one incident taken in through POST /incidents before each request; warm: cached"
printf '%-28s | %10s | %10s | %8s | %10s | %8s | %s\n' request "every month" "after intake" "ratio" warm "ratio" bytes
echo "-----------------------------+------------+------------+----------+------------+----------+------"
for r in "${out[@]}"; do echo "$r"; done
