#!/usr/bin/env bash
# README walk-through, bundle A (disability assistance): the service started as README.md says (free port, fresh
# SQLite data folder), the operator's token commands, a one-time notice (一次告知), shared-data imports, then one window
# submission through the pre-reviews and the A1 assessment up to A1's public notice (公示), where an objection is
# recorded. The notice is a 5-working-day durable timer: the rest of bundle A is covered by the HTTP tests, which move
# a fake clock (ApplicationApiTests.BundleA_HappyPath_…). Run by ./test.sh through scripts/walkthroughs.sh.
source "$(dirname "$0")/walkthrough-lib.sh"

#>README
dotnet run --project Approval.Api -- --urls http://localhost:${PORT:-5080} &     # Development: throw-away keys, SQLite
#<README

#>README
BASE=http://localhost:${PORT:-5080}; API=$BASE/api
until curl -sf $BASE/health/ready >/dev/null; do kill -0 $! 2>/dev/null || break; sleep 1; done   # ready: the database answers
tok() { dotnet run --no-build --project Approval.Api -- token "$@" | tail -n 1; }   # a bearer token (dotnet run may print a note first)
#<README

tokens=$(
#>README
tok --role admin
tok --role reviewer --department dpf --hours 12
tok --role applicant --subject 371581198005010133
SIGNING_KEY=$(openssl rand -hex 32)   # in production: the configured secret
ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey=$SIGNING_KEY dotnet Approval.Api/bin/Debug/net10.0/Approval.Api.dll token --role kiosk --subject kiosk-07
#<README
)
[ "$(grep -cE '^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$' <<<"$tokens")" = 4 ] || fail "expected 4 tokens, got: $tokens"
curl -s --fail-with-body $API/admin/shared-data -H "Authorization: Bearer $(head -n 1 <<<"$tokens")" >/dev/null \
  || fail "the admin token from the token command was refused"

notice=$(
#>README
curl -s --fail-with-body -X POST $API/bundles/disability-assistance/assessments -H 'Content-Type: application/json' -d '{
  "asOf": "2026-11-22",
  "facts": { "applicant": { "idNumber": "371581198005010133", "name": "张三", "phone": "13800138000", "hukouRegion": "371581" },
             "disability": { "hasCertificate": false, "category": "physical", "needsLongTermCare": true },
             "household": { "dibao": true } } }'
#<README
)
expect "$notice" '.items | length == 5'
expect "$notice" '.items[] | select(.code == "A1") | .outcome == "eligible"'
expect "$notice" '.materials | length > 0'

imports=$(
#>README
TOKEN=$(tok --role admin)
curl -s --fail-with-body -X POST $API/admin/shared-data/civil-affairs -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '[{ "subject": "371581198005010133", "validFrom": "2026-01-01", "attributes": { "status": "dibao" } }]'
curl -s --fail-with-body -X POST "$API/admin/shared-data/business-registry?replace=true" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: text/csv' --data-binary $'subject,name\n91371581MA0000001B,临清某公司'
curl -s --fail-with-body $API/admin/shared-data -H "Authorization: Bearer $TOKEN"   # sources, attributes, record counts
#<README
)
[ "$(jq -s 'length' <<<"$imports")" = 3 ] || fail "expected three answers from the shared-data block: $imports"
expect "$(jq -s '.[0]' <<<"$imports")" '.imported == 1'
expect "$(jq -s '.[1]' <<<"$imports")" '.imported == 1'
expect "$(jq -s '.[2]' <<<"$imports")" 'any(.[]; .code == "civil-affairs" and .records == 1)'

#>README
CLERK=$(tok --role clerk)
ID_NO=37158119800501103X
APP=$(curl -s --fail-with-body -X POST $API/applications -H "Authorization: Bearer $CLERK" -H 'Content-Type: application/json' -d '{
  "bundleCode": "disability-assistance", "channel": "window",
  "facts": { "applicant": { "idNumber": "'$ID_NO'", "name": "张三", "phone": "13800138000", "hukouRegion": "371581" },
             "disability": { "hasCertificate": false, "category": "physical", "needsLongTermCare": true },
             "household": { "dibao": true }, "pension": { "enrolled": true, "receiving": false } } }' | jq -er .id)
# task TOKEN KIND: the id of this application's open task of that kind in the token's department inbox
task() { curl -s --fail-with-body "$API/tasks?status=open&kind=$2" -H "Authorization: Bearer $1" \
         | jq -er --arg app "$APP" 'first(.items[] | select(.applicationId == $app) | .id)'; }
# decide TOKEN KIND BODY: decide that task; prints the item afterwards
decide() { curl -s --fail-with-body -X POST "$API/tasks/$(task $1 $2)/decisions" -H "Authorization: Bearer $1" \
             -H 'Content-Type: application/json' -d "$3" | jq -ec '.item | { code, status, outcome, number }'; }
DPF=$(tok --role reviewer --department dpf); HOSPITAL=$(tok --role reviewer --department designated-hospital)
CA=$(tok --role reviewer --department civil-affairs); MS=$(tok --role reviewer --department medical-security)
HRSS=$(tok --role reviewer --department hrss)
decide $CA review '{"action":"approve"}'; decide $CA review '{"action":"approve"}'   # A2, A3 pre-reviews (in parallel)
decide $MS review '{"action":"approve"}'; decide $HRSS review '{"action":"approve"}'  # A4, A5 pre-reviews
decide $DPF review '{"action":"approve"}'                                            # A1 preliminary review
decide $HOSPITAL assessment '{"action":"submit","outputs":{"category":"physical","grade":2}}'   # A1 assessed: physical, grade 2
# A1 is now on public notice (公示) for 5 working days; meanwhile dpf (or a clerk) records objections:
curl -s --fail-with-body -X POST $API/applications/$APP/objections -H "Authorization: Bearer $DPF" -H 'Content-Type: application/json' \
  -d '{"itemCode":"A1","text":"邻居反映申请人情况与申报不符"}' | jq -e '.timeline[-1]'
curl -s --fail-with-body $API/applications/$APP -H "Authorization: Bearer $(tok --role applicant --subject $ID_NO)" | jq -e '.items'
#<README

app=$(curl -s --fail-with-body $API/applications/$APP -H "Authorization: Bearer $(tok --role applicant --subject $ID_NO)")
expect "$app" '.status == "running" and .applicantIdNumber == "37158119800501103X"'
expect "$app" '.items[] | select(.code == "A1") | .status == "active" and .outcome == null'
expect "$app" 'any(.timeline[]; .event == "objection" and .itemCode == "A1")'
expect "$app" 'all(.tasks[] | select(.itemCode == "A1"); .status == "done")'            # no A1 task open: the notice runs
expect "$app" '[.tasks[] | select(.kind == "decision" and .status == "waiting")] | length >= 2'   # A2, A3 wait for A1
expect "$app" '.combinedResult == null'
too_early=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/tasks/$(task $DPF decision || echo none)/decisions" \
  -H "Authorization: Bearer $DPF" -H 'Content-Type: application/json' -d '{"action":"approve"}')
[ "$too_early" != 200 ] || fail "A1 was decided during its public notice"
echo "bundle A: A1 on public notice, objection recorded"
