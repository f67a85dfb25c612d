# Sourced by every scripts/walkthrough-*.sh: strict mode, the repository root as the working folder, a free port
# ($PORT) and a fresh SQLite data folder (Database__DataFolder) for the service the walk-through starts, and a trap
# that stops whatever the walk-through started in the background and removes the folder.
# Between `#>README` and `#<README` a walk-through holds a block that README.md shows byte for byte
# (scripts/walkthroughs.sh checks it); everything else in a walk-through is set-up or a check.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/.."

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

WALKTHROUGH_DIR=$(mktemp -d /tmp/approval-walkthrough.XXXXXX)
PORT=$(free_port)
export Database__DataFolder="$WALKTHROUGH_DIR/data"

# A walk-through may define walkthrough_cleanup (e.g. to stop a database server it started).
walkthrough_exit() {
  local status=$?
  local pids; pids=$(jobs -p)
  if [ -n "$pids" ]; then
    kill $pids 2>/dev/null || true
    for _ in $(seq 30); do kill -0 $pids 2>/dev/null || break; sleep 1; done
    kill -KILL $pids 2>/dev/null || true
  fi
  if declare -F walkthrough_cleanup >/dev/null; then walkthrough_cleanup || true; fi
  rm -rf "$WALKTHROUGH_DIR"
  exit "$status"
}
trap walkthrough_exit EXIT
trap 'exit 143' TERM INT

fail() { echo "walk-through check failed: $*" >&2; exit 1; }

# expect JSON JQ-FILTER: fails unless the filter yields true (not false, null, an error or nothing).
expect() {
  jq -e "$2" <<<"$1" >/dev/null || fail "expected $2 in: $(head -c 2000 <<<"$1")"
}
