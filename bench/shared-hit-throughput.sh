#!/usr/bin/env bash
# Cache-hit throughput in shared mode, next to the single-instance figure, in one run:
#
#   bench/shared-hit-throughput.sh      # needs wrk, redis-server and curl (apt-get install -y wrk redis-server curl)
#
# Three phases, one after the other, each the proxy in front of the test-scope KeyAPI simulator (proxy :8080,
# simulator :8089) with the same 100 pages (3-4 KB each) cached, WARMUP seconds of warm-up, then ROUNDS
# measurements of SECONDS_EACH with `wrk -t1 -c32`:
#   single     no Redis: every hit from Caffeine (the figure of bench/hit-throughput.sh)
#   shared-l1  shared mode, pages in this replica's Caffeine: the common hit of a replica
#   shared-l2  shared mode with a Caffeine too small to hold a page (proxy.cache.max-size=1KB): every hit is read
#              from Redis (a page another replica paid for, seen here for the first time)
# Redis is a redis-server started by this script on 127.0.0.1:$REDIS_PORT (AOF everysec, as the runbook says).
# Loopback only; everything it starts, it stops. JAVA_HOME picks the JDK (default: Temurin 25 when present).
set -euo pipefail
cd "$(dirname "$0")/.."
WARMUP=${WARMUP:-10}; SECONDS_EACH=${SECONDS_EACH:-15}; ROUNDS=${ROUNDS:-2}; REDIS_PORT=${REDIS_PORT:-16379}
for tool in wrk redis-server curl bc; do
  command -v $tool >/dev/null || { echo "$tool not found: apt-get install -y wrk redis-server curl bc" >&2; exit 1; }
done
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC -Xms512m -Xmx512m}

mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
redis_dir=$(mktemp -d target/bench-redis.XXXX)
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$PWD/$redis_dir" --save '' --appendonly yes \
  --appendfsync everysec --daemonize no >"$redis_dir/redis.log" 2>&1 &
redis_pid=$!
proxy_pid=""
stop_proxy() { if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""; fi; }
cleanup() { stop_proxy; kill "$redis_pid" 2>/dev/null || true; }
trap cleanup EXIT
echo "java: $("$java" -version 2>&1 | head -1); JAVA_OPTS: $JAVA_OPTS; $(redis-server --version | cut -d' ' -f1-3)"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); wrk -t1 -c32, ${ROUNDS}x${SECONDS_EACH}s after ${WARMUP}s"

start_proxy() { # environment assignments for the phase
  env "$@" KEYAPI_RATE_LIMIT_QPS=50 KEYAPI_RATE_LIMIT_MAX_WAIT=30s SIMULATOR_QPS=100 \
    "$java" $JAVA_OPTS -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    com.acme.keyapiproxy.LocalKeyApiProxy --logging.level.root=WARN >target/bench-proxy.log 2>&1 &
  proxy_pid=$!
  for _ in $(seq 1 120); do curl -sf -o /dev/null http://127.0.0.1:8081/actuator/health/readiness && return; sleep 0.5; done
  echo "the proxy did not become ready; see target/bench-proxy.log" >&2; exit 1
}
fill() {
  for i in $(seq 0 99); do
    curl -sf -o /dev/null "http://127.0.0.1:8080/influencers/$((1000000 + i))/livestreams?page=1&size=7" \
      || { echo "fill failed at page $i" >&2; exit 1; }
  done
}
run() { # every answer must be a 200 hit, or the figure means nothing
  local out; out=$(wrk -t1 -c32 -d"$1"s --latency -s bench/pages.lua http://127.0.0.1:8080 2>/dev/null)
  if echo "$out" | grep -q 'Non-2xx'; then echo "non-2xx answers during the run:" >&2; echo "$out" >&2; exit 1; fi
  echo "$out"
}
phase() { # name, then environment assignments
  local name=$1; shift
  start_proxy "$@"; fill
  local status; status=$(curl -s -D - -o /dev/null "http://127.0.0.1:8080/influencers/1000000/livestreams?page=1&size=7" \
    | tr -d '\r' | grep -i '^cache-status')
  run "$WARMUP" >/dev/null
  local total=0
  for round in $(seq 1 "$ROUNDS"); do
    local out rps; out=$(run "$SECONDS_EACH"); rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    printf '%-10s round %d  %10.0f req/s  p99 %-8s  (%s)\n' "$name" "$round" "$rps" "$(echo "$out" | awk '$1=="99%" {print $2}')" "$status"
    total=$(echo "$total + $rps" | bc -l)
  done
  printf '%-10s mean %10.0f req/s\n' "$name" "$(echo "$total / $ROUNDS" | bc -l)"
  stop_proxy
}
redis_url=redis://127.0.0.1:$REDIS_PORT
phase single PROXY_BUDGET_FILE=target/bench-ledger-single/credits
phase shared-l1 SPRING_DATA_REDIS_URL=$redis_url PROXY_SHARED_KEYPREFIX=bench-$$-l1:
phase shared-l2 SPRING_DATA_REDIS_URL=$redis_url PROXY_SHARED_KEYPREFIX=bench-$$-l2: PROXY_CACHE_MAXSIZE=1KB
