#!/usr/bin/env bash
# Runs the end-to-end benchmarks in routes/bench_test.go once and prints a table: ns/op,
# requests/s (1e9 / ns/op), cpu-us/op (this process: client + server), db-cpu-us/op (mariadbd or
# PostgreSQL's processes, MariaDB and PostgreSQL rows), allocs/op, queries/op, tx/op and the ratio of each row's throughput
# to its baseline in the same run (baseline ns/op / row ns/op): GET rows against
# BenchmarkBaselineFiberJSON, POST rows against BenchmarkBaselineFiberPOSTForm. Bearer rows also
# get "floor": their throughput against the floor app of the same database (SHA-256 of the token
# plus one GORM primary-key read, routes/floor_bench_test.go), measured in the same run.
# Introspection rows get "bearer": their throughput against the bearer check of the same database
# and cache setting (BenchmarkIntrospectClientCached against BenchmarkBearerGetLoggedUserCached).
#
# Extra arguments go to go test, e.g. scripts/bench.sh -benchtime=5s or -bench 'Bearer|Baseline'.
set -euo pipefail
cd "$(dirname "$0")/.."

raw=$(mktemp)
trap 'rm -f "$raw"' EXIT

echo "== $(go version); $(nproc) CPUs; $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
go test -run '^$' -bench . -benchmem -count 1 "$@" ./routes/ | tee "$raw"

echo
awk '
  # GET rows compare with the bare Fiber GET, everything else with the bare Fiber POST form.
  function kind(name) { return (name ~ /Bearer|Healthz|FiberJSON|CORS/) ? "GET" : "POST" }
  function floorOf(name) {
    if (name ~ /Bearer/ && name !~ /Floor/) {
      if (name ~ /^MariaDB/) return "MariaDBFloorBearer"
      if (name ~ /^Postgres/) return "PostgresFloorBearer"
      return "FloorBearer"
    }
    return ""
  }
  function bearerOf(name,   ref) {
    if (name !~ /Introspect/) return ""
    ref = name; sub(/Introspect(Client|Held)/, "BearerGetLoggedUser", ref)
    return ref
  }
  /^Benchmark/ {
    name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
    n++; names[n] = name; ns[name] = ""; al[name] = ""; q[name] = "-"; tx[name] = "-"; cpu[name] = "-"; dbcpu[name] = "-"
    for (i = 3; i < NF; i += 2) {
      if ($(i + 1) == "ns/op") ns[name] = $i
      else if ($(i + 1) == "allocs/op") al[name] = $i
      else if ($(i + 1) == "queries/op") q[name] = $i
      else if ($(i + 1) == "tx/op") tx[name] = $i
      else if ($(i + 1) == "cpu-us/op") cpu[name] = $i
      else if ($(i + 1) == "db-cpu-us/op") dbcpu[name] = $i
    }
  }
  END {
    if (n == 0) { print "bench.sh: no benchmark results" > "/dev/stderr"; exit 1 }
    base["GET"] = ns["BaselineFiberJSON"]; base["POST"] = ns["BaselineFiberPOSTForm"]
    printf "%-34s %-4s %9s %7s %9s %9s %9s %10s %5s %6s %6s %6s\n", "benchmark", "verb", "ns/op", "req/s", "cpu-us/op", "db-cpu-us", "allocs/op", "queries/op", "tx/op", "ratio", "floor", "bearer"
    for (i = 1; i <= n; i++) {
      name = names[i]; k = kind(name); b = base[k]
      ratio = (b != "" && ns[name] > 0) ? sprintf("%.3f", b / ns[name]) : "n/a"
      f = floorOf(name); fl = (f != "" && ns[f] != "" && ns[name] > 0) ? sprintf("%.3f", ns[f] / ns[name]) : "-"
      r = bearerOf(name); br = (r != "" && ns[r] != "" && ns[name] > 0) ? sprintf("%.3f", ns[r] / ns[name]) : "-"
      printf "%-34s %-4s %9.0f %7.0f %9s %9s %9s %10s %5s %6s %6s %6s\n", name, k, ns[name], (ns[name] > 0 ? 1e9 / ns[name] : 0), cpu[name], dbcpu[name], al[name], q[name], tx[name], ratio, fl, br
    }
  }' "$raw"
