-- The mixed load of bench/load.py, run by wrk (Debian's `wrk`, LuaJIT inside).
--
-- bench/load.py writes the data this script needs to the file named by the LOAD_DATA
-- environment variable (one Lua chunk returning a table: users with their session cookies,
-- search queries, offers, order numbers per client, back office URLs) and reads the line
-- «RESULT {...}» that `done` prints.
--
-- Each request is one simulated person's next action: a client (30 of them) searches, opens
-- «Заказы», an order, the cart, adds to the cart through the API, or checks out through the
-- API — every checkout is sent TWICE with the same idempotency key on whatever connections
-- come next (a double submit that may race); a staff member (3) opens the back office
-- «Заявки», an order there, or the home desk. wrk cannot tell which request a response
-- answers, so checkouts are recognised by their body: a 201 carrying `"number": "MP-…"`.

local data = dofile(os.getenv("LOAD_DATA"))
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_no", thread_count)
  table.insert(threads, thread)
end

function init(args)
  -- Each run draws new idempotency keys (the warm-up's must not come back as «repeats»).
  math.randomseed(tonumber(os.getenv("LOAD_RUN")) * 7919 + thread_no)
  queue = {}
  placed = ""
  s2xx, s3xx, s4xx, s429, s5xx, shown_4xx = 0, 0, 0, 0, 0, 0
  sent_checkouts = 0
end

local function cookie_headers(user, json)
  local headers = {
    ["Cookie"] = "sessionid=" .. user.session .. "; csrftoken=" .. data.csrf,
    ["X-CSRFToken"] = data.csrf,
    ["Host"] = "127.0.0.1",
  }
  if json then
    headers["Content-Type"] = "application/json"
  end
  return headers
end

local function uuid()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (template:gsub("[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

local function pick(list)
  return list[math.random(#list)]
end

local function client_request(user)
  local r = math.random(100)
  if r <= 35 then
    return wrk.format("GET", "/cabinet/catalog/search/?q=" .. pick(data.queries), cookie_headers(user))
  elseif r <= 52 then
    return wrk.format("GET", "/cabinet/orders/", cookie_headers(user))
  elseif r <= 62 and #user.orders > 0 then
    return wrk.format("GET", "/cabinet/orders/" .. pick(user.orders) .. "/", cookie_headers(user))
  elseif r <= 72 then
    return wrk.format("GET", "/cabinet/cart/", cookie_headers(user))
  elseif r <= 91 then
    local body = string.format('{"offer_id": %d, "quantity": 1}', pick(data.offers))
    return wrk.format("POST", "/api/v1/cart/lines", cookie_headers(user, true), body)
  end
  local body = string.format(
    '{"idempotency_key": "%s", "payment_method": "on_receipt", "recipient_phone": "%s", "pickup_point_id": %d}',
    uuid(), user.phone, data.pickup_point
  )
  local req = wrk.format("POST", "/api/v1/orders", cookie_headers(user, true), body)
  sent_checkouts = sent_checkouts + 2
  table.insert(queue, req) -- the double submit, sent next on this thread
  return req
end

function request()
  if #queue > 0 then
    return table.remove(queue, 1)
  end
  local user = pick(data.users)
  if user.staff then
    return wrk.format("GET", pick(data.staff_urls), cookie_headers(user))
  end
  return client_request(user)
end

function response(status, headers, body)
  if status >= 500 then
    s5xx = s5xx + 1
  elseif status == 429 then
    s429 = s429 + 1
  elseif status >= 400 then
    s4xx = s4xx + 1
    if shown_4xx < 3 and body then -- a few refusals, for the reader of the run's output
      shown_4xx = shown_4xx + 1
      local code = body:match('"code"%s*:%s*"([%w_]+)"') or body:sub(1, 80)
      io.stderr:write(string.format("refused %d: %s\n", status, code))
    end
  elseif status >= 300 then
    s3xx = s3xx + 1
  else
    s2xx = s2xx + 1
  end
  if status == 201 and body then
    local number = body:match('"number"%s*:%s*"(MP%-%d+)"')
    if number then
      placed = placed .. number .. ","
    end
  end
end

function done(summary, latency, requests)
  local totals = { s2xx = 0, s3xx = 0, s4xx = 0, s429 = 0, s5xx = 0, sent_checkouts = 0 }
  local numbers = {}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + (thread:get(key) or 0)
    end
    table.insert(numbers, thread:get("placed") or "")
  end
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"s2xx": %d, "s3xx": %d, "s4xx": %d, "s429": %d, "s5xx": %d, "sent_checkouts": %d, '
      .. '"socket_errors": %d, "timeouts": %d, "placed": "%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max,
    totals.s2xx, totals.s3xx, totals.s4xx, totals.s429, totals.s5xx, totals.sent_checkouts,
    errors.connect + errors.read + errors.write, errors.timeout, table.concat(numbers, "")
  ))
end
