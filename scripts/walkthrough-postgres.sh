#!/usr/bin/env bash
# README walk-through, PostgreSQL: a throw-away server from scripts/postgres.sh (role and database as the README's
# connection string names them), the service started on it as README.md says, the schema migrated at start-up, the
# catalogue and one submission answered from PostgreSQL; both stopped at the end. Run by ./test.sh through
# scripts/walkthroughs.sh.
source "$(dirname "$0")/walkthrough-lib.sh"
walkthrough_cleanup() { [ -z "${APPROVAL_PG_DIR:-}" ] || scripts/postgres.sh stop "$APPROVAL_PG_DIR"; }

#>README
eval "$(scripts/postgres.sh start)"      # a throw-away server on a free port ($APPROVAL_PG_PORT) with role and database approval
dotnet run --project Approval.Api -- --urls http://localhost:${PORT:-5080} --Database:Provider PostgreSql \
  --ConnectionStrings:Approval "Host=127.0.0.1;Port=$APPROVAL_PG_PORT;Database=approval;Username=approval;Password=approval" &
#<README

#>README
BASE=http://localhost:${PORT:-5080}; API=$BASE/api
until curl -sf $BASE/health/ready >/dev/null; do kill -0 $! 2>/dev/null || break; sleep 1; done   # ready: the database answers
tok() { dotnet run --no-build --project Approval.Api -- token "$@" | tail -n 1; }   # a bearer token (dotnet run may print a note first)
#<README

bundles=$(curl -s --fail-with-body $API/bundles)
expect "$bundles" '[.[].code] | sort == ["disability-assistance", "entertainment-venue"]'
receipt=$(curl -s --fail-with-body -X POST $API/applications -H "Authorization: Bearer $(tok --role clerk)" -H 'Content-Type: application/json' -d '{
  "bundleCode": "disability-assistance", "channel": "window",
  "facts": { "applicant": { "idNumber": "37158119800501103X", "name": "张三", "phone": "13800138000", "hukouRegion": "371581" },
             "disability": { "hasCertificate": false, "category": "physical", "needsLongTermCare": true },
             "household": { "dibao": true }, "pension": { "enrolled": true, "receiving": false } } }')
expect "$receipt" '.receiptNumber | test("^YJS-[0-9]{8}-[0-9]{6}$")'
[ ! -e "$Database__DataFolder/approval.db" ] || fail "the service wrote a SQLite file although the provider is PostgreSql"

#>README
kill %1; scripts/postgres.sh stop "$APPROVAL_PG_DIR"     # stop the service, then the throw-away server
#<README
APPROVAL_PG_DIR=
echo "PostgreSQL: started on the README's connection string, migrated, answered"
