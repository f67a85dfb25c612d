#!/usr/bin/env bash
# The README's commands as tests (./test.sh runs this after `dotnet test`):
#  1. every ```bash block of README.md is byte-identical to a `#>README … #<README` section of a walk-through script
#     (and every such section is in README.md), so that the two cannot drift; a block preceded by the line
#     `<!-- not run in CI: reason -->` is listed as not run instead;
#  2. every scripts/walkthrough-*.sh runs (each starts and stops its own service) and must exit 0.
# Each counts as one test; the last line is `walkthroughs: N passed, N failed`.
#   scripts/walkthroughs.sh [name…]     e.g. scripts/walkthroughs.sh bundle-b
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0; failed=0
work=$(mktemp -d /tmp/approval-walkthroughs.XXXXXX)
trap 'rm -rf "$work"' EXIT
pass() { passed=$((passed + 1)); echo "walkthrough $1: passed"; }
flunk() { failed=$((failed + 1)); echo "walkthrough $1: FAILED${2:+ ($2)}"; }

# 1. README.md ↔ walk-through sections
mkdir -p "$work/readme" "$work/sections"
awk -v dir="$work/readme" '
  /^```bash[[:space:]]*$/ { n++; file = sprintf("%s/%03d", dir, n); skip = (prev ~ /^<!-- not run in CI:/); inblock = 1
                            printf "" > file; if (skip) print prev > (file ".skip"); next }
  inblock && /^```[[:space:]]*$/ { inblock = 0; close(file); next }
  inblock { print > file }
  { prev = $0 }
' README.md
for script in scripts/walkthrough-*.sh; do
  awk -v dir="$work/sections" -v name="$(basename "$script" .sh)" '
    /^#>README$/ { n++; file = sprintf("%s/%s.%02d", dir, name, n); printf "" > file; inside = 1; next }
    /^#<README$/ { inside = 0; close(file); next }
    inside { print > file }
  ' "$script"
done
problems=()
for block in "$work"/readme/[0-9][0-9][0-9]; do
  [ -e "$block" ] || continue
  if [ -e "$block.skip" ]; then echo "README block $(basename "$block") not run: $(sed 's/^<!-- not run in CI: *//; s/ *-->$//' "$block.skip")"; continue; fi
  found=
  for section in "$work"/sections/*; do cmp -s "$block" "$section" && { found=1; break; }; done
  [ -n "$found" ] || problems+=("README block $(basename "$block") is in no walk-through: $(head -n 1 "$block")")
done
for section in "$work"/sections/*; do
  [ -e "$section" ] || continue
  found=
  for block in "$work"/readme/[0-9][0-9][0-9]; do cmp -s "$block" "$section" && { found=1; break; }; done
  [ -n "$found" ] || problems+=("section $(basename "$section") of a walk-through is not in README.md: $(head -n 1 "$section")")
done
if [ ${#problems[@]} -eq 0 ]; then pass "README blocks"; else printf '  %s\n' "${problems[@]}"; flunk "README blocks" "${#problems[@]} differences"; fi

# 2. the walk-throughs themselves
wanted=("$@")
for script in scripts/walkthrough-*.sh; do
  [ "$script" = scripts/walkthrough-lib.sh ] && continue
  name=$(basename "$script" .sh); name=${name#walkthrough-}
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " =~ " $name " ]]; then continue; fi
  log="$work/$name.log"
  if timeout --kill-after=30 900 "$script" >"$log" 2>&1; then pass "$name"
  else status=$?; echo "--- last lines of $name:"; tail -n 40 "$log"; flunk "$name" "exit $status"; fi
done

echo "walkthroughs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
