#!/usr/bin/env bash
# Installs (when missing), starts (when not running) and stops the local services the project
# needs: Redis, Elasticsearch and a MongoDB-wire-compatible server (FerretDB). Everything it
# writes goes under .local/ (git-ignored). A service whose URL is given in the environment
# (REDIS_URL, ELASTICSEARCH_URL, MONGODB_URI) is left alone: the caller brings its own.
#
#   scripts/services.sh up [redis|es|ferretdb]     install + start + wait until healthy (idempotent)
#   scripts/services.sh down [redis|es|ferretdb]   stop what this script started (and wait until it is gone)
#   scripts/services.sh status
#
# A second, separate set (the fault suite's, which stops and starts its services on purpose)
# runs on other ports with its own data: REDIS_PORT, ES_PORT, MONGO_PORT and SERVICES_DIR (where
# data, logs and pid files go; default .local). Installs (Elasticsearch, the FerretDB binary)
# stay under .local and are shared.
#
# ES_NODES=N (default 1) starts N Elasticsearch nodes on loopback as one cluster: HTTP on
# ES_PORT … ES_PORT+N-1, transport on ES_TRANSPORT_PORT (default ES_PORT+100) onwards, each with
# its own data under $SERVICES_DIR/es-node<i>/. One node keeps the single-node setup and folders.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOCAL="$ROOT/.local"
DATA=${SERVICES_DIR:-$LOCAL}
ES_VERSION=8.19.8
FERRETDB_VERSION=v1.24.2
ES_HOME="$LOCAL/elasticsearch-$ES_VERSION"
ES_USER=contacts-es
ES_HEAP=${ES_HEAP:-1g}
# FerretDB is built with the patches in scripts/ferretdb/; the binary's name carries their hash,
# so changing a patch rebuilds it.
FERRETDB_PATCHES=$(cat "$ROOT"/scripts/ferretdb/*.patch | sha256sum | cut -c1-12)
FERRETDB_BIN="$LOCAL/bin/ferretdb-$FERRETDB_VERSION-$FERRETDB_PATCHES"
REDIS_PORT=${REDIS_PORT:-6379}
ES_PORT=${ES_PORT:-9200}
MONGO_PORT=${MONGO_PORT:-27017}
ES_NODES=${ES_NODES:-1}
ES_TRANSPORT_PORT=${ES_TRANSPORT_PORT:-$((ES_PORT + 100))}
# FerretDB's debug HTTP server; a second set must not take the default set's :8088 ("-" = none).
if [ "$DATA" = "$LOCAL" ]; then FERRETDB_DEBUG_ADDR=${FERRETDB_DEBUG_ADDR:-127.0.0.1:8088}; else FERRETDB_DEBUG_ADDR=${FERRETDB_DEBUG_ADDR:--}; fi

log() { echo "[services] $*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # name, seconds, command...
  local name=$1 secs=$2; shift 2
  for _ in $(seq 1 "$secs"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  log "$name did not become healthy in ${secs}s"; return 1
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ---------- Redis (Debian package) ----------
redis_install() {
  command -v redis-server >/dev/null && return
  log "installing redis-server from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
}
redis_up() {
  if [ -n "${REDIS_URL:-}" ]; then log "REDIS_URL given, not starting Redis"; return; fi
  if ! port_open $REDIS_PORT; then
    redis_install
    mkdir -p "$DATA/redis"
    # bull needs noeviction: an evicting Redis may silently drop queue keys.
    redis-server --daemonize yes --bind 127.0.0.1 --port $REDIS_PORT --save "" --appendonly no \
      --maxmemory-policy noeviction --dir "$DATA/redis" --pidfile "$DATA/redis/redis.pid" \
      --logfile "$DATA/redis/redis.log"
  fi
  wait_for redis 30 redis-cli -p $REDIS_PORT ping
  log "redis ready on 127.0.0.1:$REDIS_PORT"
}

# ---------- Elasticsearch (Maven Central integ-test-zip, Java 17) ----------
es_java_home() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
  for d in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/temurin-17-jdk-amd64; do
    [ -x "$d/bin/java" ] && { echo "$d"; return; }
  done
  dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}
es_install() {
  [ -x "$ES_HOME/bin/elasticsearch" ] && return
  command -v mvn >/dev/null || { as_root apt-get update -qq; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null; }
  log "fetching Elasticsearch $ES_VERSION from Maven Central"
  mkdir -p "$LOCAL/download"
  mvn -q dependency:copy -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    -DoutputDirectory="$LOCAL/download"
  rm -rf "$ES_HOME.tmp" && mkdir -p "$ES_HOME.tmp"
  (cd "$ES_HOME.tmp" && unzip -q "$LOCAL/download/elasticsearch-$ES_VERSION.zip")
  mv "$ES_HOME.tmp/elasticsearch-$ES_VERSION" "$ES_HOME" && rm -rf "$ES_HOME.tmp"
}
# The node runs as another user, who must be able to pass through every folder above its data
# and install folders (a clone under a 0700 folder such as mktemp's would keep it out). Grant only
# traversal (o+x).
es_user_can_reach_local() {
  local dir
  for dir in "$DATA" "$LOCAL"; do
    while [ "$dir" != "/" ]; do
      if ! as_root su -s /bin/sh "$ES_USER" -c "test -x '$dir'" 2>/dev/null; then
        log "granting traversal (o+x) on $dir so that $ES_USER can reach it"
        as_root chmod o+x "$dir"
      fi
      dir=$(dirname "$dir")
    done
  done
}
# Node i of a cluster (ES_NODES > 1): its folder, HTTP port and pid file. A single node keeps the
# folders it always had (es-data, es-logs, es-run), so an existing single-node install is untouched.
es_node_dir() { echo "$DATA/es-node$1"; }
es_pidfile() { if [ "$ES_NODES" = 1 ]; then echo "$DATA/es-run/es.pid"; else echo "$(es_node_dir "$1")/run/es.pid"; fi; }
es_healthy() {
  curl -fsS "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&wait_for_nodes=$ES_NODES&timeout=1s" >/dev/null
}
es_start_node() { # node number (0 for a single node)
  local i=$1 http_port=$(($ES_PORT + $1)) data logs run cluster
  if [ "$ES_NODES" = 1 ]; then
    data="$DATA/es-data" logs="$DATA/es-logs" run="$DATA/es-run"
    cluster="-Ediscovery.type=single-node"
  else
    data="$(es_node_dir "$i")/data" logs="$(es_node_dir "$i")/logs" run="$(es_node_dir "$i")/run"
    local seeds="" masters="" n
    for n in $(seq 0 $(($ES_NODES - 1))); do
      seeds="$seeds${seeds:+,}127.0.0.1:$(($ES_TRANSPORT_PORT + n))"
      masters="$masters${masters:+,}node-$n"
    done
    # The transport port is pinned: left to pick from 9300-9399, a node could take another set's
    # HTTP port. initial_master_nodes only matters the first time the cluster forms; a node that
    # restarts rejoins from its own cluster state.
    cluster="-Ecluster.name=contacts-$ES_PORT -Enode.name=node-$i -Etransport.port=$(($ES_TRANSPORT_PORT + i)) \
      -Ediscovery.seed_hosts=$seeds -Ecluster.initial_master_nodes=$masters"
  fi
  mkdir -p "$data" "$logs" "$run"
  as_root chown -R "$ES_USER" "$data" "$logs" "$run"
  local security=""
  # x-pack security ships in this distribution; switch it off for a loopback-only node.
  [ -d "$ES_HOME/modules/x-pack-security" ] && security="-Expack.security.enabled=false"
  # The service creates its indices itself, with their mapping. A write aimed at one that is gone
  # (a sync batch that took its placements before an own index was deleted, or the shared index
  # deleted by hand) fails and is retried where the account is now, instead of creating an index
  # with a mapping guessed from the document (README, "An account's own index").
  log "starting Elasticsearch $ES_VERSION (heap $ES_HEAP)$([ "$ES_NODES" = 1 ] || echo ", node $i of $ES_NODES on :$http_port")"
  as_root su -s /bin/bash "$ES_USER" -c "ES_JAVA_HOME='$(es_java_home)' ES_JAVA_OPTS='-Xms$ES_HEAP -Xmx$ES_HEAP' \
    '$ES_HOME/bin/elasticsearch' -d -p '$run/es.pid' $cluster \
    -Enetwork.host=127.0.0.1 -Ehttp.port=$http_port -Epath.data='$data' -Epath.logs='$logs' \
    -Ecluster.routing.allocation.disk.threshold_enabled=false -Eaction.auto_create_index=false $security" >"$logs/start.log" 2>&1 \
    || { log "Elasticsearch failed to start:"; tail -20 "$logs/start.log" >&2; return 1; }
}
es_up() {
  if [ -n "${ELASTICSEARCH_URL:-}" ]; then log "ELASTICSEARCH_URL given, not starting Elasticsearch"; return; fi
  local i started=""
  for i in $(seq 0 $(($ES_NODES - 1))); do
    port_open $(($ES_PORT + i)) && continue
    if [ -z "$started" ]; then
      es_install
      # Elasticsearch refuses to run as root.
      id "$ES_USER" >/dev/null 2>&1 || as_root useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
      as_root chown -R "$ES_USER" "$ES_HOME"
      mkdir -p "$DATA"
      es_user_can_reach_local
      started=1
    fi
    es_start_node "$i"
  done
  wait_for elasticsearch 120 es_healthy
  log "elasticsearch ready on 127.0.0.1:$ES_PORT$([ "$ES_NODES" = 1 ] || echo " … :$(($ES_PORT + $ES_NODES - 1)) ($ES_NODES nodes)")"
}

# ---------- FerretDB (Go module proxy, SQLite backend) ----------
ferretdb_install() {
  [ -x "$FERRETDB_BIN" ] && return
  command -v go >/dev/null || { log "Go is needed to build FerretDB"; return 1; }
  log "building FerretDB $FERRETDB_VERSION from the Go module proxy (takes a minute or two)"
  local dir src work
  dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  # Built outside the project's git work tree, so that git apply patches the copy.
  work=$(mktemp -d)
  src="$work/ferretdb"
  cp -r "$dir" "$src" && chmod -R u+w "$src"
  # `go install pkg@version` yields a binary that panics at start: the module has no
  # build/version/version.txt (their release process generates it). Write it and build.
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  # The SQLite backend's _id lookups (fixed, widened to $in and to numeric ids), atomic updates,
  # no resource tracking outside debug builds, writers that queue in the process, a faster
  # decoding of stored documents, $in lists of ids matched through a set, updates of many
  # documents written in batches, arrays of arrays stored as MongoDB stores them, and a $set of a
  # document whose field names differ written; each patch says why.
  local patch
  for patch in "$ROOT"/scripts/ferretdb/*.patch; do
    (cd "$src" && GIT_CEILING_DIRECTORIES="$work" git apply "$patch") || { log "could not apply $patch to FerretDB"; return 1; }
  done
  grep -qF 'IDColumn = DefaultColumn + "->\"_id\""' "$src/internal/backends/sqlite/metadata/metadata.go" \
    && grep -qF 'func idWhereClause' "$src/internal/backends/sqlite/collection.go" \
    && grep -qF 'func lockCollectionForWrite' "$src/internal/handler/collection_lock.go" \
    && grep -qF 'defer lockCollectionForWrite(' "$src/internal/handler/msg_findandmodify.go" \
    && grep -qF 'if !debugbuild.Enabled {' "$src/internal/util/resource/resource.go" \
    && grep -qF 'db.writeM.Lock()' "$src/internal/util/fsql/db.go" \
    && grep -qF 'func idArg' "$src/internal/backends/sqlite/collection.go" \
    && grep -qF 'func parseSchema' "$src/internal/handler/sjson/fast_decode.go" \
    && grep -qF 'match := common.FilterMatcher(p.Filter)' "$src/internal/handler/msg_delete.go" \
    && grep -qF 'const updateBatchSize' "$src/internal/handler/common/update.go" \
    && grep -qF 'func validateArrayItems' "$src/internal/types/document_validation.go" \
    && grep -qF 'if aKey != bKey || !Identical(aField, bField)' "$src/internal/types/identical.go" \
    || { log "the FerretDB patches did not take"; return 1; }
  mkdir -p "$LOCAL/bin"
  (cd "$src" && go build -trimpath -o "$FERRETDB_BIN" ./cmd/ferretdb)
  rm -rf "$work"
}
ferretdb_up() {
  if [ -n "${MONGODB_URI:-}" ]; then log "MONGODB_URI given, not starting FerretDB"; return; fi
  # A FerretDB this script started from an older patch set (the binary's name carries the
  # patches' hash) is replaced: the code relies on what the patches fix.
  local pid
  pid=$(cat "$DATA/ferretdb.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && port_open $MONGO_PORT && [ -e "/proc/$pid/exe" ] && [ "$(readlink -f "/proc/$pid/exe")" != "$(readlink -f "$FERRETDB_BIN" 2>/dev/null || echo "$FERRETDB_BIN")" ]; then
    ferretdb_install
    log "FerretDB runs an older patch set; restarting it with $(basename "$FERRETDB_BIN")"
    kill "$pid"
    # Its port closes before SQLite's last checkpoint; the next one cannot open the files until
    # the process is gone.
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    for _ in $(seq 1 30); do port_open $MONGO_PORT || break; sleep 1; done
  fi
  if ! port_open $MONGO_PORT; then
    ferretdb_install
    mkdir -p "$DATA/ferretdb-data" "$DATA/ferretdb-state"
    log "starting FerretDB $FERRETDB_VERSION (SQLite backend)"
    # GOGC: FerretDB decodes every document it reads or writes into short-lived Go values, and with
    # Go's default (100) the collector took a fifth of its CPU; its live heap is tens of MB.
    # synchronous(normal): in WAL mode a commit is not flushed to disk until the next checkpoint.
    # A crash of FerretDB or of any process loses nothing; a power loss or an OS crash can lose
    # the last commits (the files stay consistent), as MongoDB's default write concern can (its
    # journal is flushed every 100 ms). The fsync of every commit was a tenth of FerretDB's time
    # in updates. FERRETDB_SYNCHRONOUS=full flushes each commit.
    # temp_store(memory): a multi-row INSERT keeps its statement journal (what undoes the statement
    # alone) in memory; it spilled to a temporary file, opened, written and closed per batch.
    # wal_autocheckpoint: the WAL is copied into the database every 16,000 pages (64 MB) instead of
    # 1,000, so a page an import dirties again and again is written there once per checkpoint. The
    # two took 12-20% of FerretDB's CPU off a 100,000-row import (README, "Local services").
    GOGC=${FERRETDB_GOGC:-400} nohup "$FERRETDB_BIN" --handler=sqlite \
      --sqlite-url="file:$DATA/ferretdb-data/?_pragma=synchronous(${FERRETDB_SYNCHRONOUS:-normal})&_pragma=temp_store(memory)&_pragma=wal_autocheckpoint(${FERRETDB_WAL_AUTOCHECKPOINT:-16000})" \
      --listen-addr=127.0.0.1:$MONGO_PORT --telemetry=disable --log-level=warn --state-dir="$DATA/ferretdb-state" --debug-addr="$FERRETDB_DEBUG_ADDR" \
      >"$DATA/ferretdb.log" 2>&1 &
    echo $! >"$DATA/ferretdb.pid"
  fi
  wait_for ferretdb 30 port_open $MONGO_PORT
  log "ferretdb ready on 127.0.0.1:$MONGO_PORT"
}

# Stops one service this script started (its pid file under $DATA) and waits until its port is free.
stop_one() { # name, pid file, port
  local name=$1 pidfile=$2 port=$3 pid
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    as_root kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "$name did not stop in 60 s; killing it"; as_root kill -9 "$pid" 2>/dev/null || true; }
  fi
  rm -f "$pidfile"
  for _ in $(seq 1 60); do port_open "$port" || break; sleep 0.5; done
  log "$name stopped"
}
redis_down() { stop_one redis "$DATA/redis/redis.pid" "$REDIS_PORT"; }
es_down() {
  if [ "$ES_NODES" = 1 ]; then stop_one elasticsearch "$(es_pidfile 0)" "$ES_PORT"; return; fi
  local i
  for i in $(seq 0 $(($ES_NODES - 1))); do stop_one "elasticsearch node $i" "$(es_pidfile "$i")" $(($ES_PORT + i)) & done
  wait
}
ferretdb_down() { stop_one ferretdb "$DATA/ferretdb.pid" "$MONGO_PORT"; }

status() {
  local es="elasticsearch $ES_PORT" i
  [ "$ES_NODES" = 1 ] || { es=""; for i in $(seq 0 $(($ES_NODES - 1))); do es="$es elasticsearch-node-$i $(($ES_PORT + i))"; done; }
  set -- redis $REDIS_PORT $es ferretdb $MONGO_PORT
  while [ $# -gt 0 ]; do
    if port_open "$2"; then echo "$1: up on 127.0.0.1:$2"; else echo "$1: down"; fi
    shift 2
  done
}

case "${1:-up}/${2:-all}" in
  up/all)
    mkdir -p "$LOCAL" "$DATA"
    # The slow installs (a Maven download, a Go build) run side by side.
    es_up & es_pid=$!
    ferretdb_up & fdb_pid=$!
    redis_up
    wait $es_pid; wait $fdb_pid
    ;;
  up/redis) mkdir -p "$LOCAL" "$DATA"; redis_up ;;
  up/es) mkdir -p "$LOCAL" "$DATA"; es_up ;;
  up/ferretdb) mkdir -p "$LOCAL" "$DATA"; ferretdb_up ;;
  down/all) ferretdb_down & es_down & redis_down; wait ;;
  down/redis) redis_down ;;
  down/es) es_down ;;
  down/ferretdb) ferretdb_down ;;
  status/*) status ;;
  *) echo "usage: $0 up|down [redis|es|ferretdb] | status" >&2; exit 2 ;;
esac
