-- wrk script of bench/forms_throughput.py: counts every response by status.
--
-- BENCH_BODY set: each request is a POST of that body (JSON) with an Idempotency-Key of its
-- own ("bench-<BENCH_NONCE>-<thread>-<n>"), as the site's form sends one per submission.
-- BENCH_BODY unset: a plain GET of the URL's path.
-- done() prints one line, "BENCH {json}": requests, duration, latency percentiles (µs), the
-- count per status (only 201 is an accepted pre-application), socket errors.

local body = os.getenv("BENCH_BODY")
local nonce = os.getenv("BENCH_NONCE") or "0"
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  prefix = string.format("bench-%s-%d-", nonce, id)
end

function request()
  if body == nil then
    return wrk.format("GET")
  end
  counter = counter + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = prefix .. counter,
  }, body)
end

function response(status, headers, response_body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
