# Shared by bench/tiles.sh and bench/warm.sh (sourced, not run): a plain
# static file server, wrk's tile cycler, the street's tile lists, and
# starting and driving servers. Needs $work (a scratch directory), $pids
# (an array the caller kills on exit), $LAYER, $THREADS, $CONNECTIONS and
# $DURATION; $token, when set, is sent as a bearer token.

# build_tile_tools: builds $work/fileserver and writes $work/cycle.lua.
build_tile_tools() {
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
}

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
  local out auth=()
  [ -n "${token:-}" ] && auth=(-H "Authorization: Bearer $token")
  out=$(TILE_URLS="$2" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 60s "${auth[@]}" -s "$work/cycle.lua" "http://$1" 2>&1)
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

# start_server BINARY URL CACHE_MB: starts a minqing and sets $addr.
start_server() {
  local port
  port=$(free_port)
  "$1" serve --database-url "$2" --addr "127.0.0.1:$port" --tile-cache-mb="$3" --log-level error \
    >>"$work/serve.log" 2>&1 &
  pids+=($!)
  addr="127.0.0.1:$port"
  wait_up "$addr"
}
