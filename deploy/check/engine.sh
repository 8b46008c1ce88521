# Sourced by deploy/image-check.sh: a private Docker engine for this run (its own socket; its data root in the
# cache, so stand-in images survive between runs on one machine), stopped when the run ends.

install_missing() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || missing+=(docker-compose)
  [ ${#missing[@]} -eq 0 ] && return
  step "installing ${missing[*]}"
  local sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

start_engine() {
  install_missing
  step "starting a private dockerd"
  export DOCKER_HOST="unix://$RUN_DIR/docker.sock" DOCKER_BUILDKIT=0
  mkdir -p "$CACHE/engine"
  # No NAT rules on the host: containers reach each other over their bridge, the host reaches published ports through
  # docker-proxy, and nothing leaves the machine.
  dockerd --host "$DOCKER_HOST" --data-root "$CACHE/engine" --exec-root "$RUN_DIR/exec" --pidfile "$RUN_DIR/dockerd.pid" \
          --iptables=false --ip6tables=false >"$RUN_DIR/dockerd.log" 2>&1 &
  ENGINE_PID=$!
  wait_until 30 "dockerd answers" docker version
  if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi
  echo "  engine $(docker version -f '{{.Server.Version}}'), compose: $("${COMPOSE[@]}" version --short 2>/dev/null || "${COMPOSE[@]}" version | head -1)"
}

stop_engine() {
  [ -n "${ENGINE_PID:-}" ] || return 0
  docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker volume prune -f >/dev/null 2>&1 || true
  docker network prune -f >/dev/null 2>&1 || true
  kill "$ENGINE_PID" 2>/dev/null || true
  wait "$ENGINE_PID" 2>/dev/null || true
}

# docker build, printing only what went wrong: the classic builder (no buildx here) warns that it is deprecated.
quiet_build() {
  local log="$RUN_DIR/build.log"
  docker build -q "$@" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
}
