-- wrk script: grid pages of 50 from GET …/participants, cycling through a list of paths (one
-- per line in the file named by the first argument: plain, filtered on the sync date, searched,
-- sorted, and later pages through their cursors). Prints the latency percentiles.
local paths = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do table.insert(paths, line) end
  token = args[2]
  index = math.random(#paths)
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index], {["Authorization"] = "Bearer " .. token})
end

-- done() runs in wrk's main state, where init() never ran: the label is fixed (rename with sed).
local label = "grid"

function done(summary, latency, requests)
  io.write(string.format("%s_pages_per_second=%.0f\n", label, summary.requests / (summary.duration / 1e6)))
  io.write(string.format("%s_latency_p50_ms=%.2f %s_latency_p99_ms=%.2f %s_latency_max_ms=%.2f\n",
    label, latency:percentile(50) / 1000, label, latency:percentile(99) / 1000, label, latency.max / 1000))
  io.write(string.format("%s_non_2xx_or_errors=%d\n", label, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
