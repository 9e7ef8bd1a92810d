#!/usr/bin/env bash
# Runs every test of Feed on a fresh machine: installs and starts throw-away PostgreSQL and Redis
# (Debian's packages) on free loopback ports, runs the whole test suite, and stops them even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

source build/services.sh
trap feed_services_stop EXIT
feed_services_start

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Feed.sln -c Release -nologo -clp:ErrorsOnly
# Every test project in the solution (Microsoft.Testing.Platform, see global.json): the store
# contract suites run against both the in-memory adapters and the real PostgreSQL and Redis.
dotnet test --solution Feed.sln -c Release --no-build --no-progress

# The whole HTTP suite once more, with every host on PostgreSQL + Redis: same behaviour from every adapter.
echo "== HTTP suite on PostgreSQL + Redis"
FEED_TEST_STORES=postgres-redis dotnet test --project tests/Feed.IntegrationTests -c Release --no-build --no-progress
