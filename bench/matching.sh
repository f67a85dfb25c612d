#!/usr/bin/env bash
# Proactive matching bench (issue 12 point 2): a private PostgreSQL (or a SQLite file) and the API (Release) on loopback;
# seeds --persons registry persons by bulk insert (bench/Approval.MatchingBench: keyed hashes, encrypted attributes), starts
# a matching run of disability-assistance over HTTP and reports persons/s from the run's start and finish instants.
#   bench/matching.sh [--provider postgresql|sqlite] [--persons 1000000] [--batch 2000] [--invite true]
# --invite true then creates the invitations of every match in one POST and times it.
# The API, PostgreSQL and the seeder share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
provider=postgresql persons=1000000 batch=2000 invite=false
while [ $# -gt 0 ]; do
  case "$1" in
    --provider) provider=$2; shift 2 ;;
    --persons) persons=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --invite) invite=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
port=5091
key="bench-matching-signing-key-0123456789abcdef"
lookup="bench-matching-lookup-key-0123456789abcdef"
data_key=$(head -c 32 /dev/zero | tr '\0' 'k' | base64)
dotnet build -c Release bench/Approval.MatchingBench -v q -nologo >/dev/null
api_pid="" pg_dir="" sqlite_dir=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null; wait 2>/dev/null || true
  [ -n "$pg_dir" ] && scripts/postgres.sh stop "$pg_dir"
  [ -n "$sqlite_dir" ] && rm -rf "$sqlite_dir"
}
trap cleanup EXIT
if [ "$provider" = sqlite ]; then
  sqlite_dir=$(mktemp -d)
  api_db="Data Source=$sqlite_dir/approval.db"
  seed_db="$api_db"
  db_provider=Sqlite
else
  eval "$(scripts/postgres.sh start)"
  pg_dir=$APPROVAL_PG_DIR
  pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$APPROVAL_TEST_POSTGRES")
  psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -qc "CREATE DATABASE approval_matching" >/dev/null
  api_db="$APPROVAL_TEST_POSTGRES;Database=approval_matching;Maximum Pool Size=32"
  seed_db="$APPROVAL_TEST_POSTGRES;Database=approval_matching"
  db_provider=PostgreSql
fi
export ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey=$key Security__LookupKey=$lookup Security__DataKey=$data_key \
  Database__Provider=$db_provider ConnectionStrings__Approval="$api_db" Matching__BatchSize=$batch Logging__LogLevel__Default=Warning
dotnet Approval.Api/bin/Release/net10.0/Approval.Api.dll --urls "http://127.0.0.1:$port" >/tmp/approval-matching-api.log 2>&1 &
api_pid=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
token=$(dotnet Approval.Api/bin/Release/net10.0/Approval.Api.dll token --role admin --subject bench-admin)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); provider $provider, batch $batch"
dotnet bench/Approval.MatchingBench/bin/Release/net10.0/Approval.MatchingBench.dll --provider "$provider" --connection "$seed_db" \
  --persons "$persons" --lookup-key "$lookup" --data-key "$data_key" --url "http://127.0.0.1:$port" --token "$token" --invite "$invite"
