# Sourced by deploy/image-check.sh: how a check says what it proved, or stops the run saying what failed.

step() { printf '\n== %s\n' "$*"; }

fail() {
  printf 'FAILED: %s\n' "$*" >&2
  exit 1
}

# expect "what a user would notice" command...: passes when the command succeeds.
expect() {
  local claim=$1; shift
  if "$@"; then printf '  ok  %s\n' "$claim"; else fail "$claim"; fi
}

# wait_until seconds "what we wait for" command...: polls every 100 ms.
wait_until() {
  local seconds=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what (not within ${seconds}s)"
    sleep 0.1
  done
}

now_ms() { date +%s%3N; }

# The status line and headers of a GET, then its body, on stdout.
http_get() { curl -sS -m 20 -i "$@"; }

http_status() { curl -s -m 20 -o /dev/null -w '%{http_code}' "$@"; }

answers_200() { [ "$(http_status "$1")" = 200 ]; }

contains() { grep -q -- "$2" <<<"$1"; }

record() { printf '%s\n' "$*" | tee -a "$FIGURES"; }
