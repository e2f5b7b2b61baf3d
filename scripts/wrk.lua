-- wrk script for scripts/load.sh.
-- Request: WRK_METHOD (default GET), WRK_BODY (a form body; makes the request a POST with
-- Content-Type application/x-www-form-urlencoded), WRK_AUTH (an Authorization header value).
-- Result: one machine-readable line on stdout after wrk's own report:
--   RESULT requests=<n> seconds=<s> rps=<r> p50_us=<µs> p99_us=<µs> non2xx=<n> errors=<n>

local body = os.getenv("WRK_BODY")
local auth = os.getenv("WRK_AUTH")
local method = os.getenv("WRK_METHOD")

if body and body ~= "" then
  wrk.method = method or "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
elseif method and method ~= "" then
  wrk.method = method
end
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d non2xx=%d errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
