#!/usr/bin/env bash
# README walk-through, bundle B (entertainment-venue licensing): the service started as README.md says (free port,
# fresh SQLite data folder), one window submission, each department's decisions, the combined result (统一出件)
# with all three items granted. Run by ./test.sh through scripts/walkthroughs.sh.
source "$(dirname "$0")/walkthrough-lib.sh"

#>README
dotnet run --project Approval.Api -- --urls http://localhost:${PORT:-5080} &     # Development: throw-away keys, SQLite
#<README

#>README
BASE=http://localhost:${PORT:-5080}; API=$BASE/api
until curl -sf $BASE/health/ready >/dev/null; do kill -0 $! 2>/dev/null || break; sleep 1; done   # ready: the database answers
tok() { dotnet run --no-build --project Approval.Api -- token "$@" | tail -n 1; }   # a bearer token (dotnet run may print a note first)
#<README
[ -f "$Database__DataFolder/approval.db" ] || fail "no SQLite file in Database:DataFolder ($Database__DataFolder)"

#>README
CLERK=$(tok --role clerk)
APP=$(curl -s --fail-with-body -X POST $API/applications -H "Authorization: Bearer $CLERK" -H 'Content-Type: application/json' -d '{
  "bundleCode": "entertainment-venue", "channel": "window",
  "facts": {
    "enterprise": { "proposedName": "临清欢乐歌舞有限公司", "type": "llc", "registeredCapital": 500000,
      "legalRepresentative": { "name": "李四", "idNumber": "371581198503021038", "phone": "13900139000" },
      "investors": [ { "name": "李四", "idNumber": "371581198503021038", "sharePercent": 60 },
                     { "name": "临清投资有限公司", "creditCode": "91371581MA0000001B", "sharePercent": 40 } ] },
    "venue": { "regionCode": "371581", "address": "临清市新华路1号", "kind": "song-and-dance", "floorAreaM2": 300,
      "roomCount": 8, "smallestRoomAreaM2": 12, "buildingUse": "commercial", "lowestFloor": 1,
      "distanceToNearestSchoolM": 500, "adjacentToHazardousChemicalsStore": false, "premises": "leased" },
    "fire": { "path": "commitment" }, "declarations": { "noDisqualifyingRecord": true } } }' | jq -er .id)
# task TOKEN KIND: the id of this application's open task of that kind in the token's department inbox
task() { curl -s --fail-with-body "$API/tasks?status=open&kind=$2" -H "Authorization: Bearer $1" \
         | jq -er --arg app "$APP" 'first(.items[] | select(.applicationId == $app) | .id)'; }
# decide TOKEN KIND BODY: decide that task; prints the item afterwards
decide() { curl -s --fail-with-body -X POST "$API/tasks/$(task $1 $2)/decisions" -H "Authorization: Bearer $1" \
             -H 'Content-Type: application/json' -d "$3" | jq -ec '.item | { code, status, outcome, number }'; }
MR=$(tok --role reviewer --department market-regulation)
CT=$(tok --role reviewer --department culture-tourism)
FR=$(tok --role reviewer --department fire-rescue)
decide $MR review '{"action":"approve"}'                 # B1 registered: unified social credit code 91371581MA…
decide $CT review '{"action":"approve"}'                 # B2 pre-review,
decide $CT verification '{"action":"submit","outputs":{"passed":true,"findings":"符合要求"}}'   # on-site verification,
decide $CT decision '{"action":"approve"}'               # decision: venue licence WHYL371581…
decide $FR review '{"action":"approve"}'                 # B3 pre-review,
decide $FR decision '{"action":"approve"}'               # commitment path (告知承诺): fire check XFJC371581…
curl -s --fail-with-body $API/applications/$APP -H "Authorization: Bearer $CLERK" | jq -e .combinedResult
#<README

app=$(curl -s --fail-with-body $API/applications/$APP -H "Authorization: Bearer $CLERK")
expect "$app" '.items | all(.outcome == "granted")'
expect "$app" 'any(.tasks[]; .itemCode == "B3" and .kind == "inspection" and .status == "open")'   # the follow-up check, within 20 working days
expect "$app" '[.combinedResult.items[] | select(.result == "granted")] | length == 3'
expect "$app" '.combinedResult.items[] | select(.code == "B1") | .creditCode | test("^91371581")'
expect "$app" '.combinedResult.items[] | select(.code == "B2") | .licenceNumber | test("^WHYL371581")'
expect "$app" '.combinedResult.items[] | select(.code == "B3") | .licenceNumber | test("^XFJC371581")'
expect "$app" '.combinedResult.receiptNumber == .receiptNumber'
echo "bundle B: combined result issued, B1 B2 B3 granted"

#>README
ADMIN=$(tok --role admin)
curl -s --fail-with-body $API/bundles/entertainment-venue/reform -H "Authorization: Bearer $ADMIN" \
  | jq -e '{ before: .catalogue.before, after: .catalogue.after, change: .catalogue.change, observed: .observed | { applications, medianMaterialsAsked } }'
#<README

reform=$(curl -s --fail-with-body $API/bundles/entertainment-venue/reform -H "Authorization: Bearer $ADMIN")
expect "$reform" '.catalogue.before == { forms: 3, materialSubmissions: 17, visits: 3, workingDays: 36 }'
expect "$reform" '.catalogue.after.forms == 1 and .catalogue.after.materialSubmissions <= 9 and .catalogue.after.workingDays <= 16'
expect "$reform" '.observed.applications == 1 and (.observed.items | length) == 3'
echo "bundle B: reform metrics 17 → $(jq .catalogue.after.materialSubmissions <<<"$reform") materials, 36 → $(jq .catalogue.after.workingDays <<<"$reform") working days"

#>README
curl -s --fail-with-body -X POST $API/admin/bundles/entertainment-venue/simulations -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' -d '{ "changes": [ { "parameter": "minDistanceToSchoolM", "from": "2027-01-01", "value": 600 } ] }' \
  | jq -e '{ asOf, applications, applicationsChanged, changed: [.changedApplications[] | { receiptNumber, items }] }'
#<README

simulation=$(curl -s --fail-with-body -X POST $API/admin/bundles/entertainment-venue/simulations -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' -d '{ "changes": [ { "parameter": "minDistanceToSchoolM", "from": "2027-01-01", "value": 600 } ] }')
expect "$simulation" '.applications == 1 and .applicationsChanged == 1'
expect "$simulation" '.changedApplications[0].items | any(.item == "B2" and .outcomeInForce != "ineligible" and .outcomeDraft == "ineligible")'
expect "$simulation" '.versionInForce != .draftVersion'
echo "bundle B: simulated a 600 m school distance: 1 of 1 applications would lose B2"

#>README
published=$(curl -s --fail-with-body -X POST $API/admin/bundles/entertainment-venue/versions -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' \
  -d "{ \"changes\": [ { \"parameter\": \"minDistanceToSchoolM\", \"from\": \"2027-01-01\", \"value\": 600 } ], \"basedOn\": \"$(curl -s $API/bundles/entertainment-venue | jq -r .version)\", \"note\": \"新规：距学校 600 米\" }")
jq '{ previousVersion, version, publishedAt }' <<<"$published"
curl -s $API/bundles/entertainment-venue | jq -e --arg v "$(jq -r .version <<<"$published")" '.version == $v'
#<README

expect "$published" '.previousVersion != .version and .changes[0].value == 600'
echo "bundle B: published the 600 m distance from 2027-01-01 as version $(jq -r .version <<<"$published")"
