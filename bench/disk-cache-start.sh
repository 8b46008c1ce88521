#!/usr/bin/env bash
# Start of the packaged jar with pages kept on disk (issue 15): for 0, 10,000 and 100,000 pages in <ledger dir>/pages,
# the time from `java -jar` to the first 200 on /actuator/health/readiness (management port), and to the first page
# answered from disk (a hit, no KeyAPI call; with no pages, an `only-if-cached` lookup answered 504, which waits for the
# store all the same). Then the disk writer's rate (pages/s it puts on disk), driving the disk level directly.
#
#   bench/disk-cache-start.sh [runs]     # runs per size (default 3); JAVA_HOME picks the JDK, JAVA_OPTS its flags
#   SIZES="0 100000" WRITE_PAGES=20000 bench/disk-cache-start.sh 5
#
# The pages.db files are written directly with the proxy's own store and record encoding (DiskCacheBench fill, a
# test-scope main class: pages of ten items, each fetched now), not fetched through a simulator at its QPS. KeyAPI is
# never called (an unreachable base URL). Loopback only, on free ports; everything it starts it stops, and its files
# (one temp dir, about 1.3 GB at 100,000 pages) are deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
sizes=${SIZES:-0 10000 100000}
write_pages=${WRITE_PAGES:-50000}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
first_user=7000000000000000000
work=$(mktemp -d "${TMPDIR:-/tmp}/disk-cache-start.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
bench=(java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" com.acme.keyapiproxy.cache.disk.DiskCacheBench)
echo "proxy on: $("$java" -version 2>&1 | head -1); JAVA_OPTS: ${JAVA_OPTS:-none}; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"

now_ms() { date +%s%3N; }
# Below Linux's ephemeral range (32768–60999), where other processes' random ports come from.
free_port() {
  local port
  while :; do
    port=$(( 10000 + RANDOM % 20000 ))
    ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# Every size's files first; then the runs interleaved (0, 10k, 100k, 0, …), so each size meets the same load.
for size in $sizes; do
  mkdir -p "$work/$size"
  if [ "$size" -gt 0 ]; then "${bench[@]}" fill "$work/$size/pages" "$size" "$first_user" 2>/dev/null | grep '^filled' | sed "s/^/$size: /"; fi
done

declare -A readies lookups
for run in $(seq 1 "$runs"); do
  for size in $sizes; do
    dir="$work/$size"
    for attempt in 1 2 3; do
      port=$(free_port) management=$(free_port)
      while [ "$management" = "$port" ]; do management=$(free_port); done
      started=$(now_ms)
      KEYAPI_API_KEY=sk_live_disk_bench_placeholder KEYAPI_BASE_URL=http://127.0.0.1:9 PROXY_BUDGET_FILE="$dir/credits" \
        SERVER_PORT=$port MANAGEMENT_SERVER_PORT=$management \
        "$java" ${JAVA_OPTS:-} -jar target/keyapi-proxy.jar --logging.level.root=WARN >"$dir/proxy-$run.log" 2>&1 &
      pid=$!
      until curl -sf -o /dev/null "http://127.0.0.1:$management/actuator/health/readiness"; do
        kill -0 "$pid" 2>/dev/null && { sleep 0.02; continue; }
        wait "$pid" 2>/dev/null || true; pid=
        # Another process took a port between the check and the start: again, on others.
        grep -q 'was already in use' "$dir/proxy-$run.log" && [ "$attempt" -lt 3 ] && continue 2
        cat "$dir/proxy-$run.log" >&2; echo "the proxy exited before it was ready" >&2; exit 1
      done
      break
    done
    readies[$size]+="$(( $(now_ms) - started )) "
    if [ "$size" -gt 0 ]; then
      # A different page each run, somewhere in the file.
      user=$(( first_user + (run * 7919) % size ))
      answer=$(curl -sS -i "http://127.0.0.1:$port/influencers/$user/livestreams")
      grep -q '^Cache-Status: keyapi-proxy; hit' <<<"$answer" || { echo "not a hit from disk: $answer" | head -12 >&2; exit 1; }
    else
      answer=$(curl -sS -i -H 'Cache-Control: only-if-cached' "http://127.0.0.1:$port/influencers/$first_user/livestreams")
      grep -q '^HTTP/1.1 504' <<<"$answer" || { echo "expected 504 not_cached: $answer" | head -12 >&2; exit 1; }
    fi
    lookups[$size]+="$(( $(now_ms) - started )) "
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  done
done

printf '%-8s %-8s %-30s %-30s %s\n' pages "file MB" "ready ms (each run)" "first lookup ms (each run)" "medians"
for size in $sizes; do
  mb=$( [ -f "$work/$size/pages/pages.db" ] && du -m --apparent-size "$work/$size/pages/pages.db" | cut -f1 || echo 0)
  printf '%-8s %-8s %-30s %-30s ready %s ms, first lookup %s ms\n' "$size" "$mb" "${readies[$size]}" "${lookups[$size]}" \
    "$(tr ' ' '\n' <<<"${readies[$size]}" | grep . | median)" "$(tr ' ' '\n' <<<"${lookups[$size]}" | grep . | median)"
done

echo "the disk level alone (DiskCacheBench open: each a fresh JVM, so SQLite's native library is loaded too):"
for size in $sizes; do
  for run in 1 2 3; do "${bench[@]}" open "$work/$size/pages" "$size" "$first_user" 2>/dev/null | grep '^open' | sed 's/^/  /'; done
done
rm -rf "${work:?}"/[0-9]*

echo "disk writer: DiskSecondLevel driven directly ($write_pages pages flat out, after 10 s at 1,000/s)"
"${bench[@]}" write-rate "$work/write" "$write_pages" 2>/dev/null | grep '^write-rate' | sed 's/^/  /'
