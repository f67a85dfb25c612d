#!/usr/bin/env bash
# Cold start: process start to the first answer of /health/ready (database migrated, bundles compiled and stored),
# each run on a fresh, empty database, the API started from its publish folder as it is deployed.
#   bench/coldstart.sh [--build composite|r2r|jit] [--provider PostgreSql|Sqlite] [--runs 5]
# composite: self-contained, the framework and the app compiled ahead of time together (PublishReadyToRunComposite)
# r2r:       framework-dependent with ReadyToRun (the app's and its packages' code precompiled)
# jit:       the plain Release build (every method JIT-compiled at its first call)
# The first run after a publish reads the files from disk; it is reported, and left out of the median.
set -euo pipefail
cd "$(dirname "$0")/.."
build=composite provider=PostgreSql runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --provider) provider=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
done
out=bench/out/coldstart-$build
# a framework-dependent and a composite publish leave different ReadyToRun images in obj/: never mix them
rm -rf Approval.*/obj/Release/net10.0/linux-x64
case "$build" in
  composite) dotnet publish Approval.Api -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true \
               -p:PublishReadyToRunComposite=true -o "$out" -v q -nologo; run=("$PWD/$out/Approval.Api") ;;
  r2r) dotnet publish Approval.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out" -v q -nologo
       run=(dotnet "$PWD/$out/Approval.Api.dll") ;;
  jit) dotnet publish Approval.Api -c Release -o "$out" -v q -nologo; run=(dotnet "$PWD/$out/Approval.Api.dll") ;;
  *) echo "--build is composite, r2r or jit" >&2; exit 2 ;;
esac
rm -rf Approval.*/obj/Release/net10.0/linux-x64
pg_dir=""
if [ "$provider" = "PostgreSql" ]; then
  eval "$(scripts/postgres.sh start)"
  pg_dir=$APPROVAL_PG_DIR
  pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$APPROVAL_TEST_POSTGRES")
fi
data=$(mktemp -d /tmp/approval-coldstart.XXXXXX)
api_pid=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null; wait 2>/dev/null
  [ -n "$pg_dir" ] && scripts/postgres.sh stop "$pg_dir"
  rm -rf "$data"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
times=()
for i in $(seq 1 "$runs"); do
  if [ "$provider" = "PostgreSql" ]; then
    psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -qc "CREATE DATABASE coldstart_$i" >/dev/null
    database=(Database__Provider=PostgreSql "ConnectionStrings__Approval=$APPROVAL_TEST_POSTGRES;Database=coldstart_$i")
  else
    database=(Database__Provider=Sqlite "Database__DataFolder=$data/run$i")
  fi
  started=$(date +%s%N)
  (cd "$out" && exec env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
     Auth__SigningKey=coldstart-signing-key-0123456789abcdef0123 Security__LookupKey=coldstart-lookup-key-0123456789abcdef01234 \
     "${database[@]}" "${run[@]}" --urls "http://127.0.0.1:$port" >"$data/api-$i.log" 2>&1) &
  api_pid=$!
  ready=""
  for _ in $(seq 1 1500); do
    if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; then ready=$(( ($(date +%s%N) - started) / 1000000 )); break; fi
    kill -0 "$api_pid" 2>/dev/null || break
    sleep 0.01
  done
  kill "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null || true; api_pid=""
  if [ -z "$ready" ]; then echo "run $i: the API did not answer; its log:" >&2; cat "$data/api-$i.log" >&2; exit 1; fi
  echo "run $i: ready after $ready ms"
  times+=("$ready")
done
warm=("${times[@]:1}"); [ ${#warm[@]} -eq 0 ] && warm=("${times[@]}")
median=$(printf '%s\n' "${warm[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}')
echo "cold start, $build build, $provider, $(nproc) cores: runs ${times[*]} ms; median of runs 2–$runs: $median ms"
