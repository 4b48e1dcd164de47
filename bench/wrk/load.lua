-- The requests of one case of bench/bench_load.py, and its figures as one JSON line at the end.
--
-- Usage: wrk -t T -c C -d D -s bench/wrk/load.lua URL -- CONFIG.lua
--
-- CONFIG.lua (written by bench_load.py) returns a table:
--   method, paths (rotated over, each thread from its own place), headers, threads (= T),
--   body (the same each time; "{now}" in it becomes the UTC time two seconds ago), or
--   bodies_file and offset: each line of the file sent once, thread i sending lines
--   offset + i, offset + i + T, offset + i + 2T, ... (0-based), so no two requests share one;
--   follow_cookie: as a browser, send the Cookie header's cookie as each Set-Cookie renews it.
-- done() prints a line "wrk-json {...}": requests, duration_us, the socket errors and timeouts,
-- the requests still unanswered when the round ended (at most one a connection: in flight),
-- the responses outside 2xx (counted by response()) and their last status, the most requests
-- one thread sent (for the next round's offset), the bodies sent twice (past the file's end),
-- the newest cookie (for the next round),
-- p50/p95/p99 in microseconds and the latency histogram (binned) for pooling rounds.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  config = dofile(args[1])
  sent, answered, bad, last_bad, reused = 0, 0, 0, 0, 0
  bodies = nil
  if config.bodies_file then
    bodies = {}
    for line in io.lines(config.bodies_file) do
      bodies[#bodies + 1] = line
    end
  end
  now_second, now_text = -1, nil
  request_headers = config.headers
  cookie = request_headers["Cookie"]
end

local function just_now()
  local second = os.time()
  if second ~= now_second then
    now_second, now_text = second, os.date("!%Y-%m-%dT%H:%M:%SZ", second - 2)
  end
  return now_text
end

function request()
  local paths = config.paths
  local path = paths[(id + sent * config.threads) % #paths + 1]
  local body = nil
  if bodies then
    local index = config.offset + id + sent * config.threads
    if index >= #bodies then
      reused = reused + 1
      index = index % #bodies
    end
    body = bodies[index + 1]
  elseif config.body then
    body = config.body:gsub("{now}", just_now())
  end
  sent = sent + 1
  if config.follow_cookie then
    request_headers["Cookie"] = cookie
  end
  return wrk.format(config.method, path, request_headers, body)
end

function response(status, headers, body)
  answered = answered + 1
  if status < 200 or status > 299 then
    bad = bad + 1
    last_bad = status
  end
  if config.follow_cookie then
    local renewed = headers["Set-Cookie"] or headers["set-cookie"]
    if renewed then
      cookie = renewed:match("^[^;]+")
    end
  end
end

-- Latency bins: 10 us below 10 ms, 100 us below 100 ms, 1 ms above (the bin's upper edge).
local function bin(us)
  local width = us < 10000 and 10 or (us < 100000 and 100 or 1000)
  return math.floor(us / width) * width + width
end

function done(summary, latency, requests)
  local non_2xx, last_status, most_sent, sent_twice, unanswered = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    unanswered = unanswered + thread:get("sent") - thread:get("answered")
    non_2xx = non_2xx + thread:get("bad")
    if thread:get("last_bad") ~= 0 then
      last_status = thread:get("last_bad")
    end
    most_sent = math.max(most_sent, thread:get("sent"))
    sent_twice = sent_twice + thread:get("reused")
  end
  local bins, order = {}, {}
  for i = 1, #latency do
    local value, count = latency(i)
    local edge = bin(value)
    if not bins[edge] then
      bins[edge] = 0
      order[#order + 1] = edge
    end
    bins[edge] = bins[edge] + count
  end
  local histogram = {}
  for _, edge in ipairs(order) do
    histogram[#histogram + 1] = string.format("[%d,%d]", edge, bins[edge])
  end
  local e = summary.errors
  local newest_cookie = threads[1]:get("cookie") or ""
  io.write(string.format(
    'wrk-json {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"timeout":%d,"unanswered":%d,"non_2xx":%d,"last_status":%d,"most_sent":%d,' ..
    '"sent_twice":%d,"p50":%d,"p95":%d,"p99":%d,"cookie":"%s","histogram":[%s]}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, unanswered,
    non_2xx, last_status, most_sent, sent_twice, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), newest_cookie,
    table.concat(histogram, ",")))
end
