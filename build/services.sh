#!/usr/bin/env bash
# Throw-away PostgreSQL and Redis on free loopback ports, for tests and benchmarks.
# Source this file, call `feed_services_start`, and `trap feed_services_stop EXIT`.
# Exports FEED_TEST_POSTGRES and FEED_TEST_REDIS (connection strings) for the tests, and what
# feed_pg_stop/feed_pg_start/feed_redis_stop/feed_redis_start need to stop and start the same servers
# again from another shell (the fault tests do: tests/Feed.FaultTests).

feed_free_port() {
  local port
  for port in $(seq "$1" $(($1 + 200))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port from $1" >&2
  return 1
}

feed_install_missing() {
  local packages=()
  command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || packages+=(postgresql)
  if [ ${#packages[@]} -gt 0 ]; then
    echo "installing ${packages[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Do not let the package start its own cluster or server: ours run on throw-away ports.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    rm -f /usr/sbin/policy-rc.d
  fi
}

# Prometheus (and promtool) for tests/Feed.FaultTests/PrometheusTests.cs; build/test.sh calls it.
feed_install_prometheus() {
  if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
    echo "installing prometheus from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Do not let the package start its own server: the test runs one on a throw-away port.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    rm -f /usr/sbin/policy-rc.d
  fi
}

# Debian's chromium for the browser tests (tests/Feed.EndToEndTests): Playwright drives it through
# the node driver inside its NuGet package; Playwright's own browser download is not used.
feed_install_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "installing chromium from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  fi
}

feed_services_start() {
  feed_install_missing
  FEED_SERVICES_DIR=$(mktemp -d /tmp/feed-services.XXXXXX)
  chmod 755 "$FEED_SERVICES_DIR"

  local pg_bin
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  FEED_PG_PORT=$(feed_free_port 55432)
  local pg_data="$FEED_SERVICES_DIR/pg"
  local run_as=()
  mkdir -p "$FEED_SERVICES_DIR/log"
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root.
    mkdir -p "$pg_data" "$FEED_SERVICES_DIR/log" && chown postgres:postgres "$pg_data" "$FEED_SERVICES_DIR/log"
    run_as=(runuser -u postgres --)
  fi
  export FEED_PG_CTL="$pg_bin/pg_ctl"
  export FEED_PG_DATA="$pg_data"
  export FEED_PG_LOG="$FEED_SERVICES_DIR/log/pg.log"
  # Throw-away data: no durability. Extra settings (the benchmark's buffer size) come in FEED_PG_SETTINGS.
  export FEED_PG_OPTIONS="-c listen_addresses=127.0.0.1 -p $FEED_PG_PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${FEED_PG_SETTINGS:-}"
  export FEED_PG_PORT FEED_SERVICES_DIR
  "${run_as[@]}" "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  feed_pg_start
  export FEED_TEST_POSTGRES="Host=127.0.0.1;Port=$FEED_PG_PORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"

  export FEED_REDIS_PORT
  FEED_REDIS_PORT=$(feed_free_port 56379)
  feed_redis_start
  export FEED_TEST_REDIS="127.0.0.1:$FEED_REDIS_PORT"
  echo "PostgreSQL on 127.0.0.1:$FEED_PG_PORT, Redis on 127.0.0.1:$FEED_REDIS_PORT"
}

# The PostgreSQL started by feed_services_start, as root through runuser (it refuses to run as root).
feed_pg_ctl() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$FEED_PG_CTL" -D "$FEED_PG_DATA" "$@"
  else
    "$FEED_PG_CTL" -D "$FEED_PG_DATA" "$@"
  fi
}

feed_pg_start() {
  feed_pg_ctl -w -l "$FEED_PG_LOG" -o "$FEED_PG_OPTIONS" start >/dev/null
}

# Fast shutdown: sessions are ended, as in a restart by an operator or a failover.
feed_pg_stop() {
  feed_pg_ctl -w -m fast stop >/dev/null
}

feed_redis_start() {
  redis-server --port "$FEED_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$FEED_SERVICES_DIR" --daemonize yes --pidfile "$FEED_SERVICES_DIR/redis.pid" \
    --logfile "$FEED_SERVICES_DIR/redis.log" >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -p "$FEED_REDIS_PORT" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
}

feed_redis_stop() {
  redis-cli -p "$FEED_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do
    redis-cli -p "$FEED_REDIS_PORT" ping >/dev/null 2>&1 || return 0
    sleep 0.1
  done
}

feed_services_stop() {
  [ -n "${FEED_SERVICES_DIR:-}" ] || return 0
  if [ -n "${FEED_REDIS_PORT:-}" ]; then
    redis-cli -p "$FEED_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  if [ -n "${FEED_PG_DATA:-}" ] && [ -f "$FEED_PG_DATA/postmaster.pid" ]; then
    feed_pg_ctl -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$FEED_SERVICES_DIR"
  FEED_SERVICES_DIR=
}
