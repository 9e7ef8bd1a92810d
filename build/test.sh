#!/usr/bin/env bash
# Runs every test of Feed on a fresh machine: installs and starts throw-away PostgreSQL, Redis and a
# 3-master Redis Cluster (Debian's packages) on free loopback ports, runs the whole test suite, and
# stops them even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# A snapshot test whose snapshot file is missing fails instead of writing one and passing.
export SNAPSHOOTER_STRICT_MODE=true

source build/services.sh
source build/redis-cluster.sh
trap 'feed_redis_cluster_stop; feed_services_stop' EXIT
feed_services_start
feed_redis_cluster_start
feed_install_prometheus
# A missing prometheus fails PrometheusTests here instead of skipping it.
export FEED_TEST_PROMETHEUS=required
feed_install_chromium
# Likewise the browser tests (tests/Feed.EndToEndTests) fail without chromium; screenshots go to artifacts/e2e/.
export FEED_TEST_E2E=required

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Feed.sln -c Release -nologo -clp:ErrorsOnly
# The contract as a client sees it: Redocly CLI (redocly.yaml) on the document the running API serves.
./build/lint-openapi.sh
# Every test project in the solution (Microsoft.Testing.Platform, see global.json): the store
# contract suites run against both the in-memory adapters and the real PostgreSQL and Redis.
dotnet test --solution Feed.sln -c Release --no-build --no-progress

# The whole HTTP suite once more, with every host on PostgreSQL + Redis: same behaviour from every adapter.
echo "== HTTP suite on PostgreSQL + Redis"
FEED_TEST_STORES=postgres-redis dotnet test --project tests/Feed.IntegrationTests -c Release --no-build --no-progress

# The cache contract suites and the HTTP suite on PostgreSQL + Redis Cluster: every key, script and
# pipeline within the slots a cluster allows.
echo "== Timeline tests (cache contract suites) on a Redis Cluster"
FEED_TEST_REDIS="$FEED_TEST_REDIS_CLUSTER" dotnet test --project tests/Feed.Timeline.Tests -c Release --no-build --no-progress
echo "== HTTP suite on PostgreSQL + Redis Cluster"
FEED_TEST_STORES=postgres-redis FEED_TEST_REDIS="$FEED_TEST_REDIS_CLUSTER" \
  dotnet test --project tests/Feed.IntegrationTests -c Release --no-build --no-progress
# Last: it kills a master of the cluster (tests/Feed.IntegrationTests/Durability/RedisFailoverTests.cs).
echo "== Redis Cluster failover"
FEED_REDIS_FAILOVER=1 FEED_TEST_STORES=postgres-redis FEED_TEST_REDIS="$FEED_TEST_REDIS_CLUSTER" \
  dotnet test --project tests/Feed.IntegrationTests -c Release --no-build --no-progress -- --filter-class Feed.IntegrationTests.Durability.RedisFailoverTests
