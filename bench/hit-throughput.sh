#!/usr/bin/env bash
# Cache-hit throughput of keyapi-proxy next to NGINX proxy_cache doing the same job, in the same run, as a ratio.
#
#   bench/hit-throughput.sh            # needs wrk and nginx-light (apt-get install -y wrk nginx-light)
#
# Starts the proxy in front of the test-scope KeyAPI simulator (the proxy on 127.0.0.1:8080, the simulator on :8089),
# starts ../shared/bench/nginx-anchor.sh in front of the same simulator (:18088), fills both caches with the same 100
# pages (3-5 KB each), warms both for WARMUP seconds, then alternates ROUNDS measurements of SECONDS each with
# `wrk -t1 -c32` and prints requests/s, p99 and proxy/NGINX. Loopback only; everything it starts, it stops.
# JAVA_HOME picks the JDK (default: Temurin 25 when present), JAVA_OPTS the JVM flags.
set -euo pipefail
cd "$(dirname "$0")/.."
WARMUP=${WARMUP:-15}; SECONDS_EACH=${SECONDS_EACH:-20}; ROUNDS=${ROUNDS:-2}
anchor=../shared/bench/nginx-anchor.sh
for tool in wrk nginx curl; do command -v $tool >/dev/null || { echo "$tool not found: apt-get install -y wrk nginx-light curl" >&2; exit 1; }; done
[ -x "$anchor" ] || [ -f "$anchor" ] || { echo "$anchor not found (../shared must sit beside this checkout)" >&2; exit 1; }
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC -Xms512m -Xmx512m}

mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
log=target/bench-proxy.log
KEYAPI_RATE_LIMIT_QPS=50 KEYAPI_RATE_LIMIT_MAX_WAIT=30s SIMULATOR_QPS=100 \
  "$java" $JAVA_OPTS -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  com.acme.keyapiproxy.LocalKeyApiProxy --logging.level.root=WARN >"$log" 2>&1 &
proxy_pid=$!
cleanup() { kill "$proxy_pid" 2>/dev/null || true; bash "$anchor" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf -o /dev/null http://127.0.0.1:8081/actuator/health/readiness && break; sleep 0.5; done
bash "$anchor" start 8089 sk_test_local_simulator 18088 >/dev/null

fill() { # $1 = base URL
  for i in $(seq 0 99); do
    curl -sf -o /dev/null "$1/influencers/$((1000000 + i))/livestreams?page=1&size=7" || { echo "fill failed at $1 page $i" >&2; exit 1; }
    sleep 0.02
  done
}
fill http://127.0.0.1:8080; fill http://127.0.0.1:18088
hit=$(curl -s -D - -o /dev/null "http://127.0.0.1:8080/influencers/1000000/livestreams?page=1&size=7" | tr -d '\r' | grep -i '^cache-status')
nginx_hit=$(curl -s -D - -o /dev/null "http://127.0.0.1:18088/influencers/1000000/livestreams?page=1&size=7" | tr -d '\r' | grep -i '^cache-status')
bytes=$(curl -s "http://127.0.0.1:8080/influencers/1000042/livestreams?page=1&size=7" | wc -c)
echo "proxy $hit; nginx $nginx_hit; a sample page is $bytes bytes"
echo "java: $("$java" -version 2>&1 | head -1); JAVA_OPTS: $JAVA_OPTS; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

run() { # every answer must be a 200 hit, or the figure means nothing
  local out; out=$(wrk -t1 -c32 -d"$2"s --latency -s bench/pages.lua "$1" 2>/dev/null)
  if echo "$out" | grep -q 'Non-2xx'; then echo "$1 answered non-2xx during the run:" >&2; echo "$out" >&2; exit 1; fi
  echo "$out"
}
rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '$1=="99%" {print $2}'; }
run http://127.0.0.1:8080 "$WARMUP" >/dev/null; run http://127.0.0.1:18088 "$WARMUP" >/dev/null
total_p=0; total_n=0
for round in $(seq 1 "$ROUNDS"); do
  out_p=$(run http://127.0.0.1:8080 "$SECONDS_EACH"); out_n=$(run http://127.0.0.1:18088 "$SECONDS_EACH")
  p=$(echo "$out_p" | rps); n=$(echo "$out_n" | rps)
  printf 'round %d  proxy %10.0f req/s  p99 %-8s   nginx %10.0f req/s  p99 %-8s   ratio %.2f\n' \
    "$round" "$p" "$(echo "$out_p" | p99)" "$n" "$(echo "$out_n" | p99)" "$(echo "$p / $n" | bc -l)"
  total_p=$(echo "$total_p + $p" | bc -l); total_n=$(echo "$total_n + $n" | bc -l)
done
printf 'proxy/NGINX over %d rounds: %.2f\n' "$ROUNDS" "$(echo "$total_p / $total_n" | bc -l)"
