#!/usr/bin/env bash
# README walk-through, published build: the self-contained composite ReadyToRun publish README.md recommends for a
# server, started from the repository root (not its own folder) in Production with its keys; it must answer ready,
# serve the screens from its own wwwroot/ and list the bundles. Run by ./test.sh through scripts/walkthroughs.sh.
source "$(dirname "$0")/walkthrough-lib.sh"
# A RID-specific publish leaves ReadyToRun images in obj/Release/net10.0/linux-x64 that a later publish of another kind
# must not pick up (bench/coldstart.sh clears them the same way); the output goes too.
clear_publish() { rm -rf out/api Approval.*/obj/Release/net10.0/linux-x64; }
walkthrough_cleanup() { clear_publish; }
clear_publish

#>README
dotnet publish Approval.Api -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true \
  -p:PublishReadyToRunComposite=true -o out/api -v q -nologo
Auth__SigningKey=$(openssl rand -hex 32) Security__LookupKey=$(openssl rand -hex 32) \
  out/api/Approval.Api --urls http://localhost:${PORT:-5080} &     # in production: the configured secrets
#<README

BASE=http://localhost:$PORT
until curl -sf $BASE/health/ready >/dev/null; do kill -0 $! 2>/dev/null || fail "the published service exited before it was ready"; sleep 0.2; done
ui=$(curl -s -o /dev/null -w '%{http_code}' $BASE/ui/)
[ "$ui" = 200 ] || fail "GET /ui/ answered $ui: the published service did not find its wwwroot/"
expect "$(curl -s --fail-with-body $BASE/api/bundles)" '[.[].code] | sort == ["disability-assistance", "entertainment-venue"]'
[ ! -e out/api/data ] || fail "the service wrote into its publish folder although Database__DataFolder is set"
echo "published build: started from another folder, ready, screens and bundles served"
