#!/usr/bin/env bash
# Load test of a real oauthd process with wrk, on loopback only.
#
# Builds oauthd, starts it on 127.0.0.1 (a free port) with a throw-away SQLite database, seeds a
# user and a client_secret_post client through the CLI, obtains a bearer token with
# client_credentials, then runs wrk against:
#   GET  /healthz                                         (baseline: full middleware + DB ping)
#   GET  /api/method/frappe.auth.get_logged_user          (Authorization: Bearer)
#   POST /api/method/frappe.integrations.oauth2.introspect_token (the token with its client's
#        credentials, then the token alone: RFC 7662 by the client and by possession)
#   POST /api/method/frappe.integrations.oauth2.get_token (client_credentials, form)
#   POST /restapi/1.0/common/oauth2/access_token          (client_credentials, form)
# and prints requests/s, p50, p99, server CPU per request, the ratio to the baseline, and the
# server's peak resident memory (VmHWM) after each run, so the run that raised it shows.
# Any endpoint answering non-2xx during a run makes the script fail.
#
# Environment: WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s); any OAUTHD_* variable
# is passed to the server (e.g. OAUTHD_DATABASE_DRIVER=mysql OAUTHD_DATABASE_DSN=...).
set -euo pipefail
cd "$(dirname "$0")/.."

threads=${WRK_THREADS:-2}
connections=${WRK_CONNECTIONS:-64}
duration=${WRK_DURATION:-10s}
lua=$PWD/scripts/wrk.lua

command -v wrk >/dev/null || { echo "load.sh: wrk not found (apt-get install wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "load.sh: curl not found" >&2; exit 1; }

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== build"
go build -o "$tmp/oauthd" .
bin=$tmp/oauthd

export OAUTHD_SERVER_ADDR=127.0.0.1:0
export OAUTHD_DATABASE_DRIVER=${OAUTHD_DATABASE_DRIVER:-sqlite}
export OAUTHD_DATABASE_DSN=${OAUTHD_DATABASE_DSN:-$tmp/oauthd.db}
export OAUTHD_LOGIN_MAX_FAILURES=${OAUTHD_LOGIN_MAX_FAILURES:-1000000}
export OAUTHD_OAUTH_BCRYPT_COST=${OAUTHD_OAUTH_BCRYPT_COST:-4} # only the seeded user's password

# json_field KEY < JSON: the value of a top-level string field of a flat JSON object.
json_field() { sed -n 's/.*"'"$1"'":"\([^"]*\)".*/\1/p'; }

echo "== seed"
email=load@example.com
"$bin" user add --email "$email" --password load-test-password --full-name "Load Test" >/dev/null
client_json=$("$bin" client add --name "Load Test" --redirect-uri http://127.0.0.1:9000/callback \
  --auth-method client_secret_post --owner "$email" \
  --grant-type authorization_code,refresh_token,client_credentials --refresh-rotation off)
client_id=$(json_field client_id <<<"$client_json")
client_secret=$(json_field client_secret <<<"$client_json")
[ -n "$client_id" ] && [ -n "$client_secret" ] || { echo "load.sh: client add printed: $client_json" >&2; exit 1; }

echo "== start"
"$bin" serve >"$tmp/server.out" 2>"$tmp/server.err" &
pid=$!
base=""
for _ in $(seq 1 100); do
  base=$(sed -n 's/^oauthd listening on \(http:\/\/[^ ]*\).*/\1/p' "$tmp/server.err" | head -n1)
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "load.sh: oauthd exited:" >&2; cat "$tmp/server.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "load.sh: oauthd did not report its address in 10s:" >&2; cat "$tmp/server.err" >&2; exit 1; }
case "$base" in http://127.0.0.1:*) ;; *) echo "load.sh: refusing non-loopback address $base" >&2; exit 1 ;; esac
echo "oauthd pid $pid at $base"

frappe_token=/api/method/frappe.integrations.oauth2.get_token
odoo_token=/restapi/1.0/common/oauth2/access_token
logged_user=/api/method/frappe.auth.get_logged_user
introspect=/api/method/frappe.integrations.oauth2.introspect_token
cc_form="grant_type=client_credentials&client_id=$client_id&client_secret=$client_secret"

# check DESCRIPTION CURL_ARGS...: one request that must answer 200; prints the body.
check() {
  local what=$1 out code
  shift
  out=$(curl -sS -w '\n%{http_code}' "$@")
  code=${out##*$'\n'}
  if [ "$code" != 200 ]; then
    echo "load.sh: $what answered $code: ${out%$'\n'*}" >&2
    exit 1
  fi
  printf '%s' "${out%$'\n'*}"
}

token_json=$(check "frappe client_credentials" -X POST --data "$cc_form" "$base$frappe_token")
bearer=$(json_field access_token <<<"$token_json")
[ -n "$bearer" ] || { echo "load.sh: no access_token in $token_json" >&2; exit 1; }
check "get_logged_user" -H "Authorization: Bearer $bearer" "$base$logged_user" >/dev/null
intro_form="token=$bearer&client_id=$client_id&client_secret=$client_secret"
check "introspect (client)" -X POST --data "$intro_form" "$base$introspect" | grep -q '"active":true' ||
  { echo "load.sh: introspect_token did not answer active" >&2; exit 1; }
check "introspect (held)" -X POST --data "token=$bearer" "$base$introspect" | grep -q '"active":true' ||
  { echo "load.sh: introspect_token (held) did not answer active" >&2; exit 1; }
check "odoo client_credentials" -X POST --data "$cc_form" "$base$odoo_token" >/dev/null
check "healthz" "$base/healthz" >/dev/null

clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# peak_kb: the server's peak resident set so far (VmHWM), in kB.
peak_kb() { awk '/^VmHWM/ {print $2}' "/proc/$pid/status"; }

# run NAME PATH [WRK_BODY [WRK_AUTH]]: one wrk run; appends a result row to $tmp/results.
run() {
  local name=$1 path=$2 body=${3:-} auth=${4:-} before after line
  echo "== wrk $name: $path"
  before=$(cpu_ticks)
  WRK_BODY=$body WRK_AUTH=$auth wrk -t"$threads" -c"$connections" -d"$duration" --latency \
    -s "$lua" "$base$path" | tee "$tmp/wrk.out"
  after=$(cpu_ticks)
  line=$(grep '^RESULT ' "$tmp/wrk.out" | tail -n1)
  [ -n "$line" ] || { echo "load.sh: wrk printed no RESULT line" >&2; exit 1; }
  echo "$name $((after - before)) $line peak_kb=$(peak_kb)" >>"$tmp/results"
}

: >"$tmp/results"
run healthz /healthz
run bearer_get_logged_user "$logged_user" "" "Bearer $bearer"
run introspect_client "$introspect" "$intro_form"
run introspect_held "$introspect" "token=$bearer"
run frappe_client_credentials "$frappe_token" "$cc_form"
run odoo_client_credentials "$odoo_token" "$cc_form"
rss_peak=$(peak_kb)

echo
echo "== results (wrk -t$threads -c$connections -d$duration, loopback, server and wrk share $(nproc) cores)"
awk -v clk="$clk" '
  function val(key,   i, kv) {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] }
    return ""
  }
  {
    name[NR] = $1; rps[NR] = val("rps"); p50[NR] = val("p50_us") / 1000; p99[NR] = val("p99_us") / 1000
    n = val("requests"); bad[NR] = val("non2xx") + val("errors")
    cpu[NR] = (n > 0) ? ($2 / clk * 1e6 / n) : 0; peak[NR] = val("peak_kb") / 1024
    if ($1 == "healthz") base = rps[NR]
    if ($1 == "bearer_get_logged_user") bearer = rps[NR]
  }
  END {
    printf "%-28s %12s %10s %10s %14s %10s %10s %8s %9s\n", "endpoint", "req/s", "p50 ms", "p99 ms", "server us/req", "vs healthz", "vs bearer", "non-2xx", "peak MB"
    for (i = 1; i <= NR; i++)
      printf "%-28s %12.0f %10.2f %10.2f %14.1f %10.3f %10.3f %8d %9.1f\n", name[i], rps[i], p50[i], p99[i], cpu[i], (base > 0 ? rps[i] / base : 0), (bearer > 0 ? rps[i] / bearer : 0), bad[i], peak[i]
  }' "$tmp/results"
echo "server peak RSS (VmHWM): $((rss_peak / 1024)) MB ($rss_peak kB)"

if awk '{ for (i = 3; i <= NF; i++) if ($i ~ /^(non2xx|errors)=/ && $i !~ /=0$/) bad = 1 } END { exit !bad }' "$tmp/results"; then
  echo "load.sh: some requests failed (non-2xx or socket errors); see above" >&2
  exit 1
fi
