#!/usr/bin/env bash
# HTTP load test on PostgreSQL: starts a private PostgreSQL and the API (Release) on loopback, then measures
# submissions/s, decisions/s and inbox latency with --stored applications in the database.
#   bench/load.sh [--clients 32] [--submissions 5000] [--decisions 5000] [--stored 100000] [--inbox-reads 2000] [--seed-sql true]
# --seed-sql true tops the store up to --stored by copying one HTTP-made application inside PostgreSQL (bench/Approval.Load/SqlSeed.cs)
# instead of submitting the rest over HTTP.
# The API and the load generator share this machine's cores; the figures say so.
set -euo pipefail
cd "$(dirname "$0")/.."
port=5090
key="load-test-signing-key-0123456789abcdef0123"
lookup="load-test-lookup-key-0123456789abcdef01234"
dotnet build -c Release bench/Approval.Load -v q -nologo
eval "$(scripts/postgres.sh start)"
api_pid=""
cleanup() { [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null; wait 2>/dev/null; scripts/postgres.sh stop "$APPROVAL_PG_DIR"; }
trap cleanup EXIT
pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$APPROVAL_TEST_POSTGRES")
psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -qc "CREATE DATABASE approval_load" >/dev/null
ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey=$key Security__LookupKey=$lookup \
  Database__Provider=PostgreSql ConnectionStrings__Approval="$APPROVAL_TEST_POSTGRES;Database=approval_load;Maximum Pool Size=64;No Reset On Close=true;Max Auto Prepare=64" \
  Logging__LogLevel__Default=Warning \
  dotnet Approval.Api/bin/Release/net10.0/Approval.Api.dll --urls "http://127.0.0.1:$port" >/tmp/approval-load-api.log 2>&1 &
api_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL $(psql --version | awk '{print $3}'), API and load generator on the same machine"
pg_pid=$(head -n 1 "$APPROVAL_PG_DIR/data/postmaster.pid")
dotnet bench/Approval.Load/bin/Release/net10.0/Approval.Load.dll --url "http://127.0.0.1:$port" --signing-key "$key" \
  --api-pid "$api_pid" --pg-pid "$pg_pid" --postgres "$APPROVAL_TEST_POSTGRES;Database=approval_load" "$@"
