#!/usr/bin/env bash
# Runs Feed on PostgreSQL + Redis without Docker: throw-away servers from Debian's packages on free
# loopback ports (installed when missing), the API on http://localhost:5080, all stopped on Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."

source build/services.sh
trap feed_services_stop EXIT
feed_services_start

export Feed__Storage__Provider=Postgres
export ConnectionStrings__Postgres="$FEED_TEST_POSTGRES"
export Feed__Timeline__Cache=Redis
export ConnectionStrings__Redis="$FEED_TEST_REDIS"
dotnet run --project src/Feed.Api "$@"
