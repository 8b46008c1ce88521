#!/usr/bin/env bash
# Cold start to readiness of the packaged jar: from `java -jar` to the first 200 on /actuator/health/readiness.
#
#   mvn -B package -DskipTests && bench/cold-start.sh [runs]     # JAVA_HOME picks the JDK, JAVA_OPTS the flags
#
# KeyAPI is not called at start, so a placeholder key and an unreachable base URL are enough. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
[ -f target/keyapi-proxy.jar ] || { echo "target/keyapi-proxy.jar missing: mvn -B package -DskipTests" >&2; exit 1; }
echo "$("$java" -version 2>&1 | head -1); JAVA_OPTS: ${JAVA_OPTS:-none}"
for run in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  KEYAPI_API_KEY=sk_live_cold_start_placeholder KEYAPI_BASE_URL=http://127.0.0.1:9 \
    "$java" ${JAVA_OPTS:-} -jar target/keyapi-proxy.jar --logging.level.root=WARN >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:8081/actuator/health/readiness; do sleep 0.05; done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "run $run: ready in ${ready} ms"
done
