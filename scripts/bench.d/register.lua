-- wrk script: each request registers a new participant (a unique email per thread and request).
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  path = args[1]
  token = args[2]
end

function request()
  counter = counter + 1
  local body = string.format('{"email":"bench-%d-%d@example.com","firstName":"Bench","lastName":"Mark","isRegistered":true}', thread_id, counter)
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

function done(summary, latency, requests)
  io.write(string.format("registrations_per_second=%.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency_p50_ms=%.2f latency_p90_ms=%.2f latency_p99_ms=%.2f latency_max_ms=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("non_2xx_or_errors=%d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
