#!/usr/bin/env bash
# Runs every test on a clean machine: installs and starts a private PostgreSQL (scripts/postgres.sh),
# runs `dotnet test` against it, SQLite and SQL Server where one is available (see below), then (without arguments)
# the README walk-throughs (scripts/walkthroughs.sh), stops the server, and ends with "N passed, N failed".
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Rules").
set -uo pipefail
cd "$(dirname "$0")"

eval "$(scripts/postgres.sh start)" || { echo "test.sh: could not start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }
trap 'scripts/postgres.sh stop "$APPROVAL_PG_DIR"' EXIT
export APPROVAL_TEST_POSTGRES

# SQL Server: the server named by APPROVAL_TEST_SQLSERVER, else a Testcontainers one where a Docker daemon answers, else said plainly.
if [ -n "${APPROVAL_TEST_SQLSERVER:-}" ]; then sqlserver="SQL Server: tested against APPROVAL_TEST_SQLSERVER"
elif docker info >/dev/null 2>&1; then export APPROVAL_TEST_SQLSERVER_DOCKER=1; sqlserver="SQL Server: tested in a Testcontainers container"
else sqlserver="SQL Server: not tested (no APPROVAL_TEST_SQLSERVER and no Docker)"; fi
echo "$sqlserver"

# The browser tests (Approval.Tests/Ui/BrowserTests.cs) drive Debian's chromium, never a downloaded browser; CJK fonts for the screenshots.
if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk; } >&2 || echo "test.sh: could not install chromium: the browser tests will fail"
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

results=$(mktemp -d)
dotnet test ApprovalService.sln -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
rm -rf "$results"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "test.sh: dotnet test exited with $status"; fi

# The README's command blocks (scripts/walkthroughs.sh): on a full run, each walk-through counts as one test.
# (tee to a copy of stderr, not to /dev/stderr: reopening that truncates a log file stderr is redirected to.)
if [ $# -eq 0 ]; then
  command -v jq >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq jq; } >&2
  walk=$(scripts/walkthroughs.sh | tee >(cat >&2) | sed -n 's/^walkthroughs: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
  read -r wp wf <<<"${walk:-0 1}"
  passed=$((passed + wp)); failed=$((failed + wf))
fi
echo "$sqlserver"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
