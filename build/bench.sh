#!/usr/bin/env bash
# Benchmarks Feed on throw-away PostgreSQL and Redis started like build/test.sh starts them:
# builds the API and the benchmark in Release, runs the scenarios (docs/performance.md) and writes
# artifacts/bench/results.{json,md,png}. Stops the servers even on failure.
#   build/bench.sh --quick     the quick sizes (100k-follower fan-out), under 10 minutes on 2 cores
#   build/bench.sh             the full sizes (1M users, 1M-follower fan-out)
#   --micro                    with --quick: also run the BenchmarkDotNet merge micro-benchmarks (short jobs);
#                              the full run always runs them (default jobs)
#   --redis-cluster            the cache on a 3-master Redis Cluster (build/redis-cluster.sh) instead of one Redis
set -euo pipefail
cd "$(dirname "$0")/.."

source build/services.sh
source build/redis-cluster.sh
# PostgreSQL's default 128 MB of shared buffers hold less than the quick graph's tables and indexes;
# a server sized for its data keeps them in memory (docs/performance.md, method).
export FEED_PG_SETTINGS="${FEED_PG_SETTINGS:--c shared_buffers=2GB}"
trap 'feed_redis_cluster_stop; feed_services_stop' EXIT
feed_services_start
# --redis-cluster: the cache on a throw-away 3-master, 3-replica Redis Cluster instead of one Redis.
if [[ " $* " == *" --redis-cluster "* ]]; then
  feed_redis_cluster_start
  export FEED_TEST_REDIS="$FEED_TEST_REDIS_CLUSTER"
fi
# The benchmark reads the servers' CPU time through their pid files.
export FEED_PG_DATA FEED_SERVICES_DIR

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Feed.Api -c Release -nologo -clp:ErrorsOnly
dotnet build bench/Feed.Benchmarks -c Release -nologo -clp:ErrorsOnly
dotnet bench/Feed.Benchmarks/bin/Release/net10.0/Feed.Benchmarks.dll "$@"
