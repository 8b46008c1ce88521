#!/usr/bin/env bash
# Builds keyapi-proxy's image exactly as README.md says and runs it, then starts the compose stack in both profiles,
# on a private Docker engine that is stopped at the end. No registry is reachable from these machines, so the public
# base images are local stand-ins (deploy/stand-ins), cached between runs on one machine.
#   deploy/image-check.sh            (as root, or with sudo for apt-get and dockerd; .ci/run calls it)
# Figures (build time, sizes, start to ready, compose health timings) are printed and kept in target/image-check.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || exec sudo -E "$0" "$@"   # dockerd and apt-get need root

CACHE=${IMAGE_CHECK_CACHE:-/var/tmp/keyapi-proxy-image-check}
RUN_DIR=$(mktemp -d /tmp/keyapi-image-check.XXXXXX)
FIGURES=target/image-check.txt

source deploy/check/checks.sh
source deploy/check/engine.sh
source deploy/check/stand-ins.sh
source deploy/check/image.sh
source deploy/check/compose.sh

finish() {
  local status=$?
  [ $status -eq 0 ] || { echo "dockerd's log: $RUN_DIR/dockerd.log" >&2; docker ps -a 2>/dev/null >&2 || true; }
  stop_compose_stack
  stop_engine
  exit $status
}
trap finish EXIT

mkdir -p target && : >"$FIGURES"
started=$(date +%s)
start_engine
build_stand_ins
build_image
check_runs
check_compose_stack
record "image check: $(( $(date +%s) - started )) s in all"
