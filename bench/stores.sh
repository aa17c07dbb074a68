#!/usr/bin/env bash
# The two stores side by side, in the same run: the go test benchmarks of
# stores/gpkg (bench_test.go) on a throwaway PostGIS (scripts/pg.sh) and a
# GeoPackage in a temp dir.
#
#   BenchmarkBBoxRead   every public property of the incidents in the
#                       south-west quarter of the street (5,162 of 20,000)
#   BenchmarkDemoLoad   the whole demo (every layer, 20,000 incidents),
#                       replacing the previous load
#
# Each benchmark runs COUNT times (default 3) in one go test run; the figure is the
# median ns/op. The ratio is gpkg / postgis: below 1, the file is faster.
# Usage: bench/stores.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg.sh

COUNT=${COUNT:-3}
if [ -z "${MINQING_TEST_DATABASE:-}" ]; then
  pg_start
  trap pg_stop EXIT
fi
out=$(go test -run '^$' -bench 'BBoxRead|DemoLoad' -benchtime "${BENCHTIME:-2s}" -count "$COUNT" ./stores/gpkg)
echo "$out" | grep '^Benchmark' >&2
echo "$out" | awk '
  /^Benchmark/ {
    split($1, p, "/"); name = p[1]; sub(/^Benchmark/, "", name)
    store = p[2]; sub(/-[0-9]+$/, "", store)
    k = name SUBSEP store; n[k]++; v[k, n[k]] = $3; names[name] = 1
  }
  function median(k,    i, j, t, a, m) {
    m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((m + 1) / 2)]
  }
  END {
    printf "%-10s %14s %14s %8s\n", "benchmark", "postgis ms/op", "gpkg ms/op", "gpkg/pg"
    for (name in names) {
      pg = median(name SUBSEP "postgis"); gp = median(name SUBSEP "gpkg")
      printf "%-10s %14.1f %14.1f %8.2f\n", name, pg / 1e6, gp / 1e6, gp / pg
    }
  }'
