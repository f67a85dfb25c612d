#!/usr/bin/env bash
# HTTP load test on PostgreSQL: starts a private PostgreSQL and the API (Release) on loopback, then measures
# submissions/s, decisions/s and inbox latency with --stored applications in the database.
#   bench/load.sh [--clients 32] [--submissions 5000] [--decisions 5000] [--stored 100000] [--inbox-reads 2000] [--seed-sql true] [--warmup 1000]
# --warmup N submissions (and N/2 decisions; N/10 inbox pages, at most 1,000, before the inbox phase) run first and are not measured: the table is the warm server's steady state.
# --seed-sql true tops the store up to --stored by copying one HTTP-made application inside PostgreSQL (bench/Approval.Load/SqlSeed.cs)
# instead of submitting the rest over HTTP.
# The per-token submission limit (RateLimits:Submissions, 30 a minute by default) is lifted: every submission here uses one clerk token.
# The API and the load generator share this machine's cores; the figures say so. LOAD_PIN=1 pins the load generator to
# CPU 1 (taskset), leaving CPU 0 mostly to the API and PostgreSQL. Cold start (process start to the first ready answer)
# and PostgreSQL's top statements (pg_stat_statements) are printed after the table. LOAD_KEEP=1 leaves PostgreSQL running
# afterwards (the script prints its connection string) so the store can be inspected, e.g. with EXPLAIN ANALYZE.
# The API runs as it is deployed: published with ReadyToRun into bench/out/api (see README, "Benchmarks"). LOAD_BUILD=jit
# runs the plain Release build (bin/Release) instead, which starts slower (every method JIT-compiled at first call).
# The API's connection pool holds at most LOAD_POOL connections (default 6, three per core): on 2 cores shared by the API and
# PostgreSQL, 64 connections let 16–32 backends compete for the cores, which cost throughput and doubled the inbox's p99
# (bench/RESULTS-throughput.md, "the connection pool sized to the cores"). LOAD_POOL=64 gives the earlier sessions' setting.
set -euo pipefail
cd "$(dirname "$0")/.."
port=5090
key="load-test-signing-key-0123456789abcdef0123"
lookup="load-test-lookup-key-0123456789abcdef01234"
dotnet build -c Release bench/Approval.Load -v q -nologo
if [ "${LOAD_BUILD:-r2r}" = "jit" ]; then api_dll=Approval.Api/bin/Release/net10.0/Approval.Api.dll
else
  rm -rf Approval.*/obj/Release/net10.0/linux-x64   # a composite publish's images there (bench/coldstart.sh) would break this one
  dotnet publish Approval.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o bench/out/api -v q -nologo
  api_dll=bench/out/api/Approval.Api.dll
fi
eval "$(APPROVAL_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements" scripts/postgres.sh start)"
api_pid=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null; wait 2>/dev/null
  if [ "${LOAD_KEEP:-0}" = "1" ]; then echo "PostgreSQL left running (LOAD_KEEP=1): $APPROVAL_TEST_POSTGRES;Database=approval_load; stop it with scripts/postgres.sh stop $APPROVAL_PG_DIR"
  else scripts/postgres.sh stop "$APPROVAL_PG_DIR"; fi
}
trap cleanup EXIT
pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$APPROVAL_TEST_POSTGRES")
psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -qc "CREATE DATABASE approval_load" >/dev/null
psql "host=127.0.0.1 port=$pg_port user=postgres dbname=approval_load" -qc "CREATE EXTENSION pg_stat_statements" >/dev/null
started_ns=$(date +%s%N)
ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey=$key Security__LookupKey=$lookup \
  Database__Provider=PostgreSql ConnectionStrings__Approval="$APPROVAL_TEST_POSTGRES;Database=approval_load;Maximum Pool Size=${LOAD_POOL:-6};No Reset On Close=true;Max Auto Prepare=64" \
  Logging__LogLevel__Default=Warning RateLimits__Submissions__PermitLimit=100000000 \
  dotnet "$api_dll" --urls "http://127.0.0.1:$port" >/tmp/approval-load-api.log 2>&1 &
api_pid=$!
for _ in $(seq 1 1000); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.02; done
ready_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL $(psql --version | awk '{print $3}'), API and load generator on the same machine"
pg_pid=$(head -n 1 "$APPROVAL_PG_DIR/data/postmaster.pid")
pin=(); [ "${LOAD_PIN:-0}" = "1" ] && pin=(taskset -c 1)
status=0
"${pin[@]}" dotnet bench/Approval.Load/bin/Release/net10.0/Approval.Load.dll --url "http://127.0.0.1:$port" --signing-key "$key" \
  --api-pid "$api_pid" --pg-pid "$pg_pid" --postgres "$APPROVAL_TEST_POSTGRES;Database=approval_load" "$@" || status=$?
echo
echo "cold start (process start to the first ready answer, database migrated): $ready_ms ms"
echo "PostgreSQL top statements by total time (pg_stat_statements):"
psql "host=127.0.0.1 port=$pg_port user=postgres dbname=approval_load" -P pager=off -c \
  "SELECT calls, round(total_exec_time::numeric, 0) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, rows,
          left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
   FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'approval_load')
   ORDER BY total_exec_time DESC LIMIT 15"
echo "PostgreSQL statements by calls (what one operation costs in round trips):"
psql "host=127.0.0.1 port=$pg_port user=postgres dbname=approval_load" -P pager=off -c \
  "SELECT calls, round(total_exec_time::numeric, 0) AS total_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
   FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'approval_load')
   ORDER BY calls DESC LIMIT 25"
exit $status
