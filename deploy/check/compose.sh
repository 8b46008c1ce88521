# Sourced by deploy/image-check.sh: docker-compose.yml started in both profiles, with the commands README.md gives.
# Grafana is left out: no registry is reachable and no package stands in for its image.

COMPOSE_PROJECT=keyapi-proxy-check

compose() { "${COMPOSE[@]}" -p "$COMPOSE_PROJECT" "$@"; }

stop_compose_stack() {
  [ -n "${COMPOSE_STARTED:-}" ] || return 0
  compose --profile shared down -v --remove-orphans >/dev/null 2>&1 || true
}

container() { compose ps -q "$1"; }

healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$(container "$1")")" = healthy ]; }

running() { [ "$(docker inspect -f '{{.State.Running}}' "$(container "$1")")" = true ]; }

# A replica's own metrics, read inside its container (the shared profile publishes no replica port).
lookups() {
  docker exec "$(container "$1")" bash -c \
    'exec 3<>/dev/tcp/127.0.0.1/8081 && printf "GET /actuator/prometheus HTTP/1.0\r\n\r\n" >&3 && cat <&3' \
    | awk -v result="$2" 'index($0, "keyapi_proxy_cache_requests_total{") == 1 && index($0, "result=\"" result "\"") { n += $NF }
                          END { printf "%d", n }'
}

scraped() {
  curl -sS -G http://127.0.0.1:9090/api/v1/query --data-urlencode "query=up{instance=\"$1\"}" | grep -q '"1"\]'
}

# The stack publishes fixed ports on the host, as README.md lists them.
ports_free() {
  local port
  for port in 8080 8081 8089 9090 8180; do
    ! ss -Htln "sport = :$port" | grep -q . || fail "port $port is in use on this machine: docker-compose.yml publishes it"
  done
}

check_compose_stack() {
  ports_free
  COMPOSE_STARTED=1
  step "docker compose up --build (keyapi, proxy, prometheus)"
  docker rmi -f keyapi-proxy:local >/dev/null 2>&1 || true
  local started; started=$(now_ms)
  compose up -d --build keyapi proxy prometheus >"$RUN_DIR/compose-up.log" 2>&1 || { cat "$RUN_DIR/compose-up.log"; fail "compose up"; }
  wait_until 120 "the proxy's healthcheck passes" healthy proxy
  record "compose, default profile: proxy healthy $(( $(now_ms) - started )) ms after up --build (the build included)"
  expect "the proxy's image is built once" test "$(grep -c '^Successfully built' "$RUN_DIR/compose-up.log")" = 1
  expect "the KeyAPI stand-in and Prometheus are running" eval 'running keyapi && running prometheus'
  expect "a first request through the published port is a miss" \
    contains "$(http_get http://127.0.0.1:8080/influencers/7288986759428588590/livestreams)" "fwd=miss; stored"
  expect "and is charged in the ledger on the /data volume" contains "$(curl -sS http://127.0.0.1:8080/usage)" '"credits_spent":1'
  MANAGEMENT=http://127.0.0.1:8081
  wait_until 10 "the page is kept on disk (keyapi_proxy_cache_disk_entries 1)" pages_on_disk 1
  expect "in /data/pages, on the ledger's volume" docker exec "$(container proxy)" test -s /data/pages/pages.db
  expect "the management port refuses every team's spend without the operator's token" \
    test "$(http_status http://127.0.0.1:8081/actuator/credits)" = 401
  expect "and shows it with the token" \
    test "$(http_status -H 'Authorization: Bearer local-operator-token' http://127.0.0.1:8081/actuator/credits)" = 200
  wait_until 60 "Prometheus scrapes the proxy" scraped proxy:8081
  expect "Prometheus scrapes the proxy's management port" scraped proxy:8081

  step "docker compose --profile shared up (redis, proxy-a, proxy-b, shared-lb)"
  started=$(now_ms)
  compose --profile shared up -d redis proxy-a proxy-b shared-lb >"$RUN_DIR/compose-shared.log" 2>&1 \
    || { cat "$RUN_DIR/compose-shared.log"; fail "compose --profile shared up"; }
  expect "the shared profile's proxies run that image: nothing is built again" \
    test "$(grep -c '^Successfully built' "$RUN_DIR/compose-shared.log")" = 0
  local first; first=$(http_status http://127.0.0.1:8180/influencers/7288986759428588590/livestreams?page=2)
  record "compose, shared profile: up returned after $(( $(now_ms) - started )) ms, both proxies healthy; first answer through NGINX: $first"
  expect "the very first request through the load balancer is answered, not a 502" test "$first" = 200
  expect "Redis and both replicas report healthy" eval 'healthy redis && healthy proxy-a && healthy proxy-b'
  expect "a replica's /data tmpfs is writable by the image's user" docker exec "$(container proxy-a)" touch /data/writable
  http_status http://127.0.0.1:8180/influencers/7288986759428588590/livestreams?page=2 >/dev/null
  local a_miss a_hit b_miss b_hit
  a_miss=$(lookups proxy-a miss) a_hit=$(lookups proxy-a hit) b_miss=$(lookups proxy-b miss) b_hit=$(lookups proxy-b hit)
  echo "  proxy-a: $a_miss miss, $a_hit hit; proxy-b: $b_miss miss, $b_hit hit"
  expect "the page one replica fetched is a hit on the other (the cache is shared through Redis)" \
    eval '[ "$a_miss$a_hit$b_miss$b_hit" = 1001 ] || [ "$a_miss$a_hit$b_miss$b_hit" = 0110 ]'
  wait_until 60 "Prometheus scrapes both replicas" eval 'scraped proxy-a:8081 && scraped proxy-b:8081'
  expect "Prometheus scrapes both replicas" eval 'scraped proxy-a:8081 && scraped proxy-b:8081'
  stop_compose_stack
}
