#!/usr/bin/env bash
# Staff /rates at city scale, before and after in the same run: SIZE
# incidents (default 1M) generated as bench/scale.sh generates them (the
# demo's BASE incidents, then SQL copies moved over 40 streets and back in
# time by g minutes; the copies leave out the stored due times, so every
# incident's deadlines come from the routing table, the costlier path), then
# the same requests to two servers on the same database: BEFORE (a binary
# built from another commit, e.g. main: MINQING_BEFORE=/path/to/minqing)
# and this tree's. Each request is cold (one incident is saved again before
# it, as an intake would: the layer's version moves) and the two answers are compared
# (as_of, start and end aside: they are the moment of the request).
#
#   MINQING_BEFORE=/tmp/minqing-main bench/rates.sh
#   SIZE=1000000 RUNS=5 BASE=20000; DB_URL=postgres://… reuses a loaded
#   database instead of generating one (nothing is dropped).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-1000000}
BASE=${BASE:-20000}
RUNS=${RUNS:-5}
: "${MINQING_BEFORE:?set MINQING_BEFORE to the binary to compare with (e.g. built from main)}"
COPIES=$(( (SIZE + BASE - 1) / BASE ))

work=$(mktemp -d /tmp/minqing-rates.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  [ -z "${DB_URL:-}" ] && pg_stop
  rm -rf "$work"
}
trap cleanup EXIT

echo "building…" >&2
go build -o "$work/after" ./cmd/minqing
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

if [ -n "${DB_URL:-}" ]; then
  url=$DB_URL
  PG_BIN=${PG_BIN:-$(dirname "$(command -v psql)")}
else
  . scripts/pg.sh
  pg_start
  admin=$MINQING_TEST_DATABASE
  "$PG_BIN/psql" -q -X "$admin" -c "CREATE DATABASE rates TEMPLATE minqing_template"
  url="${admin%/*}/rates?sslmode=disable"
  echo "demo: $BASE incidents, then $COPIES SQL copies…" >&2
  "$work/after" demo --database-url "$url" --incidents "$BASE" >/dev/null 2>"$work/demo.log" || { cat "$work/demo.log" >&2; exit 1; }
  "$PG_BIN/psql" -q -X "$url" <<SQL
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
VACUUM ANALYZE incidents;
SQL
fi
sql() { "$PG_BIN/psql" -q -X -At "$url" "$@"; }
"$work/after" migrate --database-url "$url" >/dev/null
rows=$(sql -c "SELECT count(*) FROM incidents")
staff=$("$work/after" token add --database-url "$url" --role staff --name rates-bench 2>/dev/null | tail -1 | awk '{print $NF}')

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
serve() { # serve VAR BIN: starts BIN, sets VAR to its base URL (not in a subshell: cleanup stops it)
  local port; port=$(free_port)
  "$2" serve --database-url "$url" --addr "127.0.0.1:$port" --log-level warn >>"$work/serve.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  printf -v "$1" 'http://127.0.0.1:%s' "$port"
}
serve before "$MINQING_BEFORE"
serve after "$work/after"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# A write before each request, as an intake's would: one incident saved
# again (its version bumped, its id logged), so no answer comes from a cache.
bump() { sql -c "UPDATE incidents SET satisfied = satisfied WHERE id = (SELECT max(id) FROM incidents)" >/dev/null; }
ms() { curl -sS -f -o /dev/null -H "Authorization: Bearer $staff" -w '%{time_total}\n' "$1" | awk '{printf "%.1f\n", $1*1000}'; }
cold() { for _ in $(seq 1 "$RUNS"); do bump; ms "$1"; done | median; }
answer() { curl -sS -f -H "Authorization: Bearer $staff" "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("as_of", "start", "end"):
    d.pop(k, None)
print(json.dumps(d, sort_keys=True, ensure_ascii=False))'; }

year=$(date -d "-1 year" +%Y-%m-%d)/$(date +%Y-%m-%d)
m0=$(date -d "$(date +%Y-%m-15) -1 month" +%Y-%m-01) # the last closed month
month=$m0/$(date -d "$m0 +1 month -1 day" +%Y-%m-%d)
queries=("by=community" "by=unit" "by=category&category=漏水" "by=community&datetime=$month" "by=patch&datetime=$year")
[ "${QUERIES:-}" = short ] && queries=("${queries[@]:0:4}") # QUERIES=short: not the year
ms "$before/rates" >/dev/null; ms "$after/rates" >/dev/null # connections
# A server built at 00009 or later reads the incidents' rate facts into
# memory after its first /rates (in the background past 32 MB of table):
# give it LOAD_WAIT seconds.
sleep "${LOAD_WAIT:-15}"
out=()
for q in "${queries[@]}"; do
  b=$(cold "$before/rates?$q")
  a=$(cold "$after/rates?$q")
  bump
  ab=$(answer "$before/rates?$q" || echo "before failed") aa=$(answer "$after/rates?$q" || echo "after failed")
  same=$([ "$ab" = "$aa" ] && echo same || echo DIFFERENT)
  out+=("$(printf '%-44s | %9s | %9s | %7s | %s' "$q" "$b" "$a" "$(awk -v a="$b" -v b="$a" 'BEGIN {printf "%.0f×", a/b}')" "$same")")
done

echo
echo "bench/rates.sh at commit $commit: $rows incidents (SIZE=$SIZE); before = $MINQING_BEFORE"
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); medians of $RUNS cold requests (one incident written before each), milliseconds"
printf '%-44s | %9s | %9s | %7s | %s\n' "GET /rates?…" before after ratio answers
echo "---------------------------------------------+-----------+-----------+---------+----------"
for r in "${out[@]}"; do echo "$r"; done
