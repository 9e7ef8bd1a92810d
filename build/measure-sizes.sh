#!/usr/bin/env bash
# Measures sizes, not speed: bytes per row of the service's PostgreSQL tables and per cached entry
# in Redis (one node and a 3-master cluster), the measured inputs of docs/scaling.md. Starts
# throw-away servers like build/test.sh (build/services.sh, build/redis-cluster.sh), builds the API
# and bench/Feed.Benchmarks in Release, runs `Feed.Benchmarks sizes` and stops the servers.
# Takes a few minutes on 2 cores; prints markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."

source build/services.sh
source build/redis-cluster.sh
trap 'feed_redis_cluster_stop; feed_services_stop' EXIT
feed_services_start
# Ports away from a test run's cluster (47000) and the fault tests' (48000) on the same machine.
FEED_REDIS_CLUSTER_BASE_PORT=49000 feed_redis_cluster_start

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Feed.Api -c Release -nologo -clp:ErrorsOnly
dotnet build bench/Feed.Benchmarks -c Release -nologo -clp:ErrorsOnly
dotnet bench/Feed.Benchmarks/bin/Release/net10.0/Feed.Benchmarks.dll sizes \
  --redis "one Redis=$FEED_TEST_REDIS" --redis "Redis Cluster=$FEED_TEST_REDIS_CLUSTER" "$@"
