-- Prints wrk's figures as one JSON line: requests/s, latency percentiles (ms), errors.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50": %.3f, "p95": %.3f, ' ..
    '"p99": %.3f, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
