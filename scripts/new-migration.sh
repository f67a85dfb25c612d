#!/usr/bin/env bash
# Writes db/<provider>/NNNN_<name>.sql for both providers with the CREATE statements of the given (new) tables,
# taken from the current EF model. Review the files, add anything else (ALTERs, triggers, data), then run
#   ./test.sh --filter "FullyQualifiedName~MigrationTests"
# usage: scripts/new-migration.sh 0003_workflows table_a,table_b
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?migration id, e.g. 0003_workflows}; tables=${2:?comma-separated table names}
dotnet build Approval.Api -v q >/dev/null
for provider in sqlite postgresql; do
  dotnet run --no-build --no-launch-profile --project Approval.Api -- schema-script "$provider" >"/tmp/model-$provider.sql"
  {
    echo "-- $name ($provider)"
    python3 - "/tmp/model-$provider.sql" "$tables" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
tables = sys.argv[2].split(',')
out = []
for s in (s.strip() for s in text.split(';')):
    m = re.search(r'(?:CREATE TABLE|ON)\s+"?(\w+)"?', s)
    if s and m and m.group(1) in tables:
        out.append(s + ';')
print('\n\n'.join(out))
PY
  } >"db/$provider/$name.sql"
  echo "wrote db/$provider/$name.sql"
done
