-- wrk script for the sync scenario: POSTs the JSON body in the file named after `--`, and prints one machine-readable summary line.
-- usage: wrk -t2 -c64 -d10s -s sync.lua http://127.0.0.1:5000/signals/sync -- /tmp/body.json
local request_bytes

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local body = file:read("*a")
  file:close()
  request_bytes = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function request()
  return request_bytes
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "SIGNALS_WRK {\"requests\":%d,\"microseconds\":%d,\"p50\":%.0f,\"p99\":%.0f,\"max\":%.0f,\"socketErrors\":%d,\"non2xx\":%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
