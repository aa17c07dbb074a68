-- wrk script of bench/soak.sh: a mix of the map's requests over the demo
-- street (lon 116.270–116.305, lat 39.845–39.870): vector tiles at z13–z16
-- (45%), OGC items pages (25%), a small GeoJSON layer (15%) and hot spots
-- (15%). It counts 503s (and those of them that are the limiters' "busy")
-- and other 5xx per thread and prints them in done.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function tilexy(lon, lat, z)
  local n = 2 ^ z
  local x = math.floor((lon + 180) / 360 * n)
  local r = math.rad(lat)
  local y = math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
  return x, y
end

local tiles = {}
for z = 13, 16 do
  local x0, y1 = tilexy(116.270, 39.845, z)
  local x1, y0 = tilexy(116.305, 39.870, z)
  for x = x0, x1 do
    for y = y0, y1 do
      table.insert(tiles, string.format("/tiles/communities,streets,incidents/%d/%d/%d.mvt", z, x, y))
    end
  end
end

-- Incidents' points and resolutions other than 9 are for staff
-- (--public-incidents aggregates): those requests carry bench/soak.sh's token.
local token = os.getenv("MINQING_SOAK_TOKEN")
local staff = token and { ["Authorization"] = "Bearer " .. token } or nil

local others = {
  { 25, function() return "/ogc/collections/incidents/items?limit=" .. math.random(1, 50), staff end },
  { 15, function() return "/layers/demolitions.geojson" end },
  { 10, function() return "/hotspots?res=9" end },
  { 5, function() return "/hotspots?res=" .. math.random(8, 10), staff end },
}

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  s503, s5xx, busy = 0, 0, 0
end

function request()
  local r = math.random(100)
  if r <= 45 then
    return wrk.format("GET", tiles[math.random(#tiles)])
  end
  r = r - 45
  for _, o in ipairs(others) do
    if r <= o[1] then
      local path, headers = o[2]()
      return wrk.format("GET", path, headers)
    end
    r = r - o[1]
  end
  return wrk.format("GET", "/layers")
end

function response(status, headers, body)
  if status == 503 then
    s503 = s503 + 1
    if body and string.find(body, '"busy"', 1, true) then busy = busy + 1 end
  elseif status >= 500 then
    s5xx = s5xx + 1
  end
end

function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("s503")
    b = b + t:get("s5xx")
    c = c + t:get("busy")
  end
  local e = summary.errors
  io.write(string.format("SOAK requests=%d s503=%d busy=%d s5xx_other=%d socket_errors=%d p50_ms=%.1f p99_ms=%.1f\n",
    summary.requests, a, c, b, e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
