#!/usr/bin/env bash
# Pacing toward KeyAPI as KeyAPI sees it: for each qps, a freshly started proxy (its own JVM, from the jar, nothing
# warmed up) gets SECONDS_OF_MISSES × qps distinct misses at once, in front of a stand-in that stamps each arrival
# and refuses above the same limit in any sliding second. Prints the rate KeyAPI saw, the most arrivals in any
# sliding second, refusals, the makespan next to misses/qps, and the answers by status.
#
#   bench/pacing.sh                 # qps 5, 50, 200 and 1000 (above what the proxy paces: refused at start)
#   bench/pacing.sh 20 50           # other values
#
# Loopback only; everything it starts, it stops. JAVA_HOME picks the JDK the proxy runs on (default: Temurin 25).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_OF_MISSES=${SECONDS_OF_MISSES:-10}
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
[ $# -gt 0 ] || set -- 5 50 200 1000

mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
echo "proxy on: $("$java" -version 2>&1 | head -1); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" com.acme.keyapiproxy.bench.PacingBench \
  target/keyapi-proxy.jar "$java" "$SECONDS_OF_MISSES" "$@"
