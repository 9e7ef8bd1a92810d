#!/usr/bin/env bash
# A throw-away Redis Cluster on loopback: 3 masters with one replica each, no persistence.
# Source this file (build/services.sh does), call `feed_redis_cluster_start`, and
# `feed_redis_cluster_stop` at the end. Exports FEED_TEST_REDIS_CLUSTER (a StackExchange.Redis
# connection string naming every node) and FEED_REDIS_CLUSTER_PORTS (the nodes' ports, masters first).
# Needs feed_free_port from build/services.sh and redis-server/redis-cli on the PATH.
# FEED_REDIS_CLUSTER_BASE_PORT (default 47000) is where the search for free ports starts: two
# clusters started at the same time from different bases cannot both pick the same free port.

feed_redis_cluster_start() {
  FEED_REDIS_CLUSTER_DIR=$(mktemp -d /tmp/feed-redis-cluster.XXXXXX)
  local ports=() port from=${FEED_REDIS_CLUSTER_BASE_PORT:-47000} node
  for node in 1 2 3 4 5 6; do
    port=$(feed_free_port "$from")
    from=$((port + 1))
    # A cluster node also listens on port + 10000 (its bus; so the port is at most 55535): keep that free too.
    while (exec 3<>"/dev/tcp/127.0.0.1/$((port + 10000))") 2>/dev/null; do
      port=$(feed_free_port "$from")
      from=$((port + 1))
    done
    mkdir -p "$FEED_REDIS_CLUSTER_DIR/$port"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      --cluster-enabled yes --cluster-config-file "$FEED_REDIS_CLUSTER_DIR/$port/nodes.conf" \
      --cluster-node-timeout 2000 --dir "$FEED_REDIS_CLUSTER_DIR/$port" --daemonize yes \
      --pidfile "$FEED_REDIS_CLUSTER_DIR/$port/redis.pid" --logfile "$FEED_REDIS_CLUSTER_DIR/$port/redis.log" >/dev/null
    ports+=("$port")
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 50); do
      redis-cli -p "$port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  done

  local nodes=()
  for port in "${ports[@]}"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$FEED_REDIS_CLUSTER_DIR/create.log" 2>&1
  for _ in $(seq 1 100); do
    redis-cli -p "${ports[0]}" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break
    sleep 0.1
  done

  FEED_REDIS_CLUSTER_PORTS="${ports[*]}"
  export FEED_REDIS_CLUSTER_DIR FEED_REDIS_CLUSTER_PORTS
  export FEED_TEST_REDIS_CLUSTER=$(IFS=,; echo "${nodes[*]}")
  echo "Redis Cluster on $FEED_TEST_REDIS_CLUSTER"
}

feed_redis_cluster_stop() {
  [ -n "${FEED_REDIS_CLUSTER_DIR:-}" ] || return 0
  local port
  for port in ${FEED_REDIS_CLUSTER_PORTS:-}; do
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  rm -rf "$FEED_REDIS_CLUSTER_DIR"
  FEED_REDIS_CLUSTER_DIR=
}
