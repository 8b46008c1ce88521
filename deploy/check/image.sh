# Sourced by deploy/image-check.sh: the image built as README.md says and run as an operator runs it — read-only root,
# the ledger on a volume — in front of the WireMock stand-in for KeyAPI, on a network of its own.

IMAGE=keyapi-proxy:0.1.0
NETWORK=keyapi-image-check
LIVESTREAMS=/v1/tiktok/influencer/livestreams/analytics

build_image() {
  step "docker build -t $IMAGE . (README.md's command, after mvn -B package)"
  [ -f target/keyapi-proxy.jar ] || mvn -B -q package -DskipTests
  local started; started=$(now_ms)
  quiet_build -t "$IMAGE" . || fail "docker build"
  record "image: built in $(( ($(now_ms) - started) / 1000 )) s; $(image_sizes)"
  expect "the image runs as uid 10001, not root" \
    test "$(docker run --rm --entrypoint id "$IMAGE" -u)" = 10001
  expect "the build leaves nothing in /tmp (no hsperfdata, no tomcat.* from the training run)" \
    test -z "$(docker run --rm --entrypoint ls "$IMAGE" -A /tmp)"
}

# The whole image, and what this project adds on top of its base (each layer's size, newest first).
image_sizes() {
  local base ours
  base=$(grep -m1 -oE '^FROM [^ ]+' Dockerfile | cut -d' ' -f2)
  ours=$(docker history --format '{{.Size}}' "$IMAGE" | head -n $(( $(docker history -q "$IMAGE" | wc -l) - $(docker history -q "$base" | wc -l) )) \
    | grep -v '^0B$' | paste -sd' ')
  echo "$(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}') in all (base stand-in included), this project's layers: $ours"
}

start_vendor_stand_in() {
  docker network create "$NETWORK" >/dev/null
  docker run -d --name keyapi --network "$NETWORK" -p 127.0.0.1::8080 \
    -v "$PWD/deploy/wiremock:/home/wiremock:ro" "$(compose_image wiremock/wiremock)" --disable-banner --port 8080 >/dev/null
  VENDOR=$(published keyapi 8080)
  wait_until 60 "the WireMock stand-in answers" answers_200 "$VENDOR/__admin/health"
}

# http://127.0.0.1:<port> where Docker published a container's port (a free one it chose).
published() { echo "http://$(docker port "$1" "$2/tcp" | head -n 1)"; }

# run_proxy name [docker run options...]: starts the image as README.md runs it; sets STARTED (ms), API, MANAGEMENT.
# Every run logs which classes came from where, and the heap the JVM chose, to /tmp (a tmpfs, noexec as Docker mounts
# it: the pages on disk must work so, SQLite's native library being loaded from the image's /app/native).
run_proxy() {
  local name=$1; shift
  STARTED=$(now_ms)
  docker run -d --name "$name" --network "$NETWORK" --read-only --tmpfs /tmp -p 127.0.0.1::8080 -p 127.0.0.1::8081 \
    -e KEYAPI_BASE_URL=http://keyapi:8080 -e KEYAPI_API_KEY=sk_test_image_check_not_a_real_key \
    -e JAVA_TOOL_OPTIONS="-Xlog:class+load=info:file=/tmp/class-load.log -Xlog:gc+init=info:file=/tmp/gc-init.log ${EXTRA_JAVA_OPTIONS:-}" \
    "$@" "$IMAGE" >/dev/null
  API=$(published "$name" 8080)
  MANAGEMENT=$(published "$name" 8081)
}

# ready_ms name: waits for readiness; prints the milliseconds from `docker run` to ready.
ready_ms() {
  wait_until 90 "$1 becomes ready" answers_200 "$MANAGEMENT/actuator/health/readiness"
  echo $(( $(now_ms) - STARTED ))
}

classes_from_the_archive() { docker exec "$1" grep -c 'source: shared objects file (top)' /tmp/class-load.log || true; }

heap_line() { docker exec "$1" sh -c "grep -hoE 'Heap Max Capacity: .*|Compressed Oops: .*' /tmp/gc-init.log | paste -sd';'"; }

remove() { docker rm -f "$@" >/dev/null; }

# A start: ready time, classes from the CDS archive, the heap; the archive must be in use at every heap size.
check_start() {
  local label=$1; shift
  local ready classes
  run_proxy "$@"
  ready=$(ready_ms "$1")
  classes=$(classes_from_the_archive "$1")
  record "start to ready, $label: $ready ms; classes from the CDS archive: $classes; $(heap_line "$1")"
  expect "$label: the CDS archive is in use (classes loaded from it)" test "$classes" -gt 1000
  expect "$label: compressed oops on, so the archive matches" contains "$(heap_line "$1")" "Compressed Oops: Enabled"
}

check_runs() {
  step "docker run --read-only, as an operator runs it"
  start_vendor_stand_in
  docker volume create keyapi-ledger >/dev/null

  check_start "no memory limit" proxy -v keyapi-ledger:/data
  local miss hit usage
  miss=$(http_get "$API/influencers/7288986759428588590/livestreams")
  hit=$(http_get "$API/influencers/7288986759428588590/livestreams")
  expect "a first request is a miss, answered 200" contains "$miss" "Cache-Status: keyapi-proxy; fwd=miss; stored"
  expect "the same request again is a hit" contains "$hit" "Cache-Status: keyapi-proxy; hit"
  usage=$(curl -sS "$API/usage")
  expect "the miss was charged: one credit spent" contains "$usage" '"credits_spent":1'
  expect "the ledger is written to the /data volume" docker exec proxy test -s /data/credits
  expect "the cached pages are kept on the /data volume too" docker exec proxy test -s /data/pages/pages.db
  wait_until 10 "the page is on disk (keyapi_proxy_cache_disk_entries 1)" pages_on_disk 1
  expect "the page cache on disk opened under a noexec /tmp (SQLite's native library loads from /app/native)" \
    eval '! docker logs proxy 2>&1 | grep -q "Cannot keep cached pages on disk"'

  check_graceful_stop proxy

  # A restart costs nothing: the new container answers both pages from /data/pages, the one stored before and the one
  # answered while docker stop came, without asking KeyAPI (its stand-in would take 3 s for user 42) or charging.
  run_proxy again -v keyapi-ledger:/data
  ready_ms again >/dev/null
  expect "a new container on the same volume still counts both credits" \
    contains "$(curl -sS "$API/usage")" '"credits_spent":2'
  expect "it answers the page the first container stored from disk: a hit" \
    contains "$(http_get "$API/influencers/7288986759428588590/livestreams")" "Cache-Status: keyapi-proxy; hit"
  expect "and the page answered during the graceful shutdown: a hit" \
    contains "$(http_get "$API/influencers/42/livestreams")" "Cache-Status: keyapi-proxy; hit"
  expect "KeyAPI was asked for each page once, by the first container only" \
    eval '[ "$(vendor_count 7288986759428588590)" = 1 ] && [ "$(vendor_count 42)" = 1 ]'
  expect "and no credit was spent after the restart" contains "$(curl -sS "$API/usage")" '"credits_spent":2'
  remove again

  check_start "512 MB memory limit" limited --memory 512m
  remove limited
  EXTRA_JAVA_OPTIONS=-XX:MaxRAM=64g check_start "a 64 GB host, no limit (-XX:MaxRAM=64g)" large
  remove large keyapi
  docker volume rm keyapi-ledger >/dev/null
  docker network rm "$NETWORK" >/dev/null
}

# docker stop while a miss is waiting on a slow KeyAPI: the caller still gets its page, the JVM exits on SIGTERM.
check_graceful_stop() {
  local name=$1 answer="$RUN_DIR/in-flight"
  curl -sS -o /dev/null -X POST "$VENDOR/__admin/mappings" -H 'Content-Type: application/json' -d '{
    "priority": 1,
    "request": { "method": "GET", "urlPath": "'"$LIVESTREAMS"'", "queryParameters": { "user_id": { "equalTo": "42" } } },
    "response": { "status": 200, "fixedDelayMilliseconds": 3000, "bodyFileName": "page-1.json",
                  "headers": { "Content-Type": "application/json" } } }'
  curl -s -m 30 -o /dev/null -w '%{http_code}' "$API/influencers/42/livestreams" >"$answer" &
  local caller=$!
  wait_until 20 "KeyAPI's stand-in received the slow request" vendor_received '"42"'
  local stopping; stopping=$(now_ms)
  docker stop -t 30 "$name" >/dev/null
  wait "$caller" || true
  record "docker stop with a request in flight: $(( $(now_ms) - stopping )) ms"
  expect "the request in flight when docker stop came was answered 200" test "$(cat "$answer")" = 200
  expect "the JVM exited on SIGTERM (143), not killed (137)" \
    test "$(docker inspect -f '{{.State.ExitCode}}' "$name")" = 143
  expect "the log says the graceful shutdown completed" contains "$(docker logs "$name" 2>&1)" "Graceful shutdown complete"
  remove "$name"
}

# pages_on_disk n: the proxy last published at $MANAGEMENT reports n pages kept on disk (counted every second).
pages_on_disk() {
  curl -sS "$MANAGEMENT/actuator/prometheus" | grep -qE "^keyapi_proxy_cache_disk_entries $1(\.0)?$"
}

# How many requests KeyAPI's stand-in received for a user id.
vendor_count() {
  curl -sS -X POST "$VENDOR/__admin/requests/count" -H 'Content-Type: application/json' \
    -d '{"urlPath": "'"$LIVESTREAMS"'", "queryParameters": {"user_id": {"equalTo": "'"$1"'"}}}' | grep -oE '[0-9]+'
}

vendor_received() {
  curl -sS -X POST "$VENDOR/__admin/requests/count" -H 'Content-Type: application/json' \
    -d '{"urlPath": "'"$LIVESTREAMS"'", "queryParameters": {"user_id": {"equalTo": '"$1"'}}}' | grep -q '"count" *: *[1-9]'
}
