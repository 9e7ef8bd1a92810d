#!/usr/bin/env bash
# Lints the OpenAPI document the running API serves, with Redocly CLI and the repository's redocly.yaml:
# starts the built API (Release, in-memory stores, Development keys) on a free loopback port, lints what
# it serves at /openapi/v1.json, and stops it. Any error or warning fails. Run by build/test.sh after the
# build; alone: `dotnet build src/Feed.Api -c Release && ./build/lint-openapi.sh`.
# Installs what it needs when missing: Node from Debian's packages, and the Redocly CLI pinned in
# build/package.json + build/package-lock.json into build/node_modules (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
source build/services.sh # feed_free_port

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing nodejs and npm from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

pinned=$(node -p "require('./build/package.json').devDependencies['@redocly/cli']")
installed=$(node -p "try { require('./build/node_modules/@redocly/cli/package.json').version } catch { '' }")
if [ "$installed" != "$pinned" ]; then
  echo "installing @redocly/cli $pinned into build/node_modules"
  npm ci --prefix build --no-audit --no-fund --loglevel=error >/dev/null
fi

api_dir=src/Feed.Api/bin/Release/net10.0
[ -f "$api_dir/Feed.Api.dll" ] || { echo "build the API first: dotnet build src/Feed.Api -c Release" >&2; exit 1; }
port=$(feed_free_port 5380)
log=$(mktemp /tmp/feed-openapi-api.XXXXXX.log)
(cd "$api_dir" && ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" exec dotnet Feed.Api.dll) >"$log" 2>&1 &
api_pid=$!
trap 'kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true' EXIT

url="http://127.0.0.1:$port/openapi/v1.json"
for _ in $(seq 1 120); do
  curl -sf "$url" -o /dev/null && break
  kill -0 "$api_pid" 2>/dev/null || { echo "the API stopped before serving its document:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.5
done

# Kept for a look after the run (artifacts/ is not committed).
mkdir -p artifacts/openapi
curl -sf "$url" -o artifacts/openapi/v1.json

echo "== Redocly lint of $url (served by the running API)"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
build/node_modules/.bin/redocly lint "$url" --config redocly.yaml --format=stylish || true
totals=$(build/node_modules/.bin/redocly lint "$url" --config redocly.yaml --format=json 2>/dev/null \
  | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const t=JSON.parse(s).totals;console.log(t.errors+' '+t.warnings)})")
read -r errors warnings <<<"$totals"
echo "Redocly: $errors errors, $warnings warnings"
[ "$errors" = 0 ] && [ "$warnings" = 0 ]
