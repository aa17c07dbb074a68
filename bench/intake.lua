-- wrk script of bench/intake.sh: intake requests over the demo street (lon
-- 116.272–116.303, lat 39.847–39.868), one kind per run, chosen by
-- MINQING_INTAKE_MODE:
--
--   create     POST /incidents (staff JSON intake)
--   lifecycle  POST /incidents, then for each incident created its steps
--              dispatch → respond → resolve (POST /incidents/{id}/events),
--              each sent once the previous one was answered
--   open311    POST /open311/v2/requests.json (form, with the bridge's api_key)
--   import     POST /import/incidents?format=geojson with a one-feature
--              GeoJSON file (the baseline: a bulk import per call)
--
-- MINQING_INTAKE_TOKEN is the staff (admin for import) token. done prints
-- one line "INTAKE created=… steps=… s2xx=… other=… p50_ms=… p99_ms=…".

local mode = os.getenv("MINQING_INTAKE_MODE") or "create"
local token = os.getenv("MINQING_INTAKE_TOKEN") or ""
local categories = { "漏水", "停电", "垃圾清运", "停车管理", "施工扰民", "供暖", "占道经营", "邻里装修扰民" }
local steps = { dispatch = "respond", respond = "resolve" }
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  created, stepped, ok, other = 0, 0, 0, 0
  queue = {}
  math.randomseed(os.time() + (tid or 0) * 7919)
end

local function point()
  return 116.272 + math.random() * 0.031, 39.847 + math.random() * 0.021
end

local function json_headers()
  return { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
end

local function create()
  local lon, lat = point()
  local body = string.format('{"lon": %.6f, "lat": %.6f, "category": "%s", "source": "街道热线", "description": "压测：楼道漏水", "contact": {"name": "压测", "phone": "13800000000"}}',
    lon, lat, categories[math.random(#categories)])
  return wrk.format("POST", "/incidents", json_headers(), body)
end

local function step(id, action)
  local body = '{"action": "' .. action .. '"}'
  if action == "dispatch" then body = '{"action": "dispatch", "unit": "城市管理办公室", "level": "科室"}' end
  return wrk.format("POST", "/incidents/" .. id .. "/events", json_headers(), body)
end

local function open311()
  local lon, lat = point()
  local body = string.format("service_code=water_leak&lat=%.6f&long=%.6f&description=%%E6%%BC%%8F%%E6%%B0%%B4&phone=13800000000&api_key=%s", lat, lon, token)
  return wrk.format("POST", "/open311/v2/requests.json", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

local function import()
  counter = counter + 1
  local lon, lat = point()
  local body = string.format('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [%.6f, %.6f]}, "properties": {"external_id": "BENCH-%d-%d-%d", "source": "街道热线", "category": "%s", "status": "received", "received_at": "%s", "description": "压测：楼道漏水"}}]}',
    lon, lat, tid or 0, os.time(), counter, categories[math.random(#categories)], os.date("!%Y-%m-%dT%H:%M:%SZ"))
  return wrk.format("POST", "/import/incidents?format=geojson", { ["Content-Type"] = "application/geo+json", ["Authorization"] = "Bearer " .. token }, body)
end

function request()
  if mode == "lifecycle" and #queue > 0 then
    local s = table.remove(queue, 1)
    return step(s[1], s[2])
  end
  if mode == "open311" then return open311() end
  if mode == "import" then return import() end
  return create()
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else other = other + 1 end
  if status ~= 201 and status ~= 200 then return end
  if mode == "lifecycle" then
    local inc, action = body:match('"incident_id":(%d+).-"action":"(%a+)"')
    if inc then
      stepped = stepped + 1
      if steps[action] then table.insert(queue, { inc, steps[action] }) end
      return
    end
    local id = body:match('"id":(%d+)')
    if id then
      created = created + 1
      table.insert(queue, { id, "dispatch" })
    end
  else
    created = created + 1
  end
end

function done(summary, latency, requests)
  local c, s, o, e = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); s = s + t:get("stepped"); o = o + t:get("ok"); e = e + t:get("other")
  end
  io.write(string.format("INTAKE created=%d steps=%d s2xx=%d other=%d p50_ms=%.2f p99_ms=%.2f seconds=%.3f\n",
    c, s, o, e, latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end
