#!/usr/bin/env bash
# A local cluster on loopback, as docs/deploy.md describes it on several hosts: the app database
# and Prefect's on the machine's PostgreSQL (127.0.0.1:5432, trust auth), the Prefect server, N
# `vinhdanh worker` processes serving the stage flows, and the API under several uvicorn workers.
# Idempotent: what runs already (its PID file names a live process) is left as it is.
#
#   N=2 API_WORKERS=2 bench/cluster_up.sh      # then bench/cluster_down.sh
#
# Settings (environment): N (workers, 2), LIMIT (flow runs at once per worker, 4), API_WORKERS (2),
# API_PORT (8000), PREFECT_PORT (4200), PGURL (postgresql://postgres@127.0.0.1:5432), DB (vd_cluster;
# Prefect's is ${DB}_prefect), CLUSTER (var/cluster: PID files, logs, Prefect's home, and the
# document store every process shares).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-2} LIMIT=${LIMIT:-4} API_WORKERS=${API_WORKERS:-2}
API_PORT=${API_PORT:-8000} PREFECT_PORT=${PREFECT_PORT:-4200}
PGURL=${PGURL:-postgresql://postgres@127.0.0.1:5432} DB=${DB:-vd_cluster}
CLUSTER=${CLUSTER:-var/cluster}
BIN=$PWD/.venv/bin
mkdir -p "$CLUSTER/logs" "$CLUSTER/prefect"
CLUSTER=$(cd "$CLUSTER" && pwd)

export VINHDANH_DATABASE_URL="${PGURL/postgresql:/postgresql+psycopg:}/$DB"
export VINHDANH_DATA_DIR="$CLUSTER/data"  # documents, audit key and checkpoints: shared by all
export VINHDANH_PREFECT_MODE=server
export PREFECT_HOME="$CLUSTER/prefect"
export PREFECT_API_URL="http://127.0.0.1:$PREFECT_PORT/api"
export PREFECT_SERVER_ANALYTICS_ENABLED=false

running() { [ -f "$CLUSTER/$1.pid" ] && kill -0 "$(cat "$CLUSTER/$1.pid")" 2> /dev/null; }

# start NAME COMMAND…: in a session of its own (its PID is its process group: down stops all of it)
start() {
  local name=$1; shift
  if running "$name"; then echo "$name: running already (pid $(cat "$CLUSTER/$name.pid"))"; return; fi
  setsid "$@" > "$CLUSTER/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$CLUSTER/$name.pid"
  echo "$name: started (pid $!, log $CLUSTER/logs/$name.log)"
}

# until WHAT SECONDS COMMAND…
until_ok() {
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 2))); do "$@" > /dev/null 2>&1 && return 0; sleep 0.5; done
  echo "timed out waiting for $what" >&2; exit 1
}

pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not running on 127.0.0.1:5432" >&2; exit 1; }
for database in "$DB" "${DB}_prefect"; do
  if [ -z "$(psql "$PGURL/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
    psql "$PGURL/postgres" -qc "CREATE DATABASE \"$database\"" && echo "database $database: created"
  fi
done
"$BIN/vinhdanh" db upgrade > /dev/null && echo "database $DB: schema current"

# Prefect's own database on PostgreSQL (asyncpg is one of prefect's dependencies)
PREFECT_SERVER_DATABASE_CONNECTION_URL="${PGURL/postgresql:/postgresql+asyncpg:}/${DB}_prefect" \
  PREFECT_API_URL='' start prefect-server "$BIN/prefect" server start --host 127.0.0.1 --port "$PREFECT_PORT"
until_ok "the Prefect server" 120 curl -sf "$PREFECT_API_URL/health"

for i in $(seq "$N"); do
  VINHDANH_WORKER="worker-$i" start "worker-$i" "$BIN/vinhdanh" worker --limit "$LIMIT"
done
flows=$("$BIN/python" -c 'import flows.stages as s; print(len(s.FLOWS))')
deployed() {
  [ "$(curl -sf -X POST -H 'Content-Type: application/json' -d '{}' "$PREFECT_API_URL/deployments/filter" \
    | "$BIN/python" -c 'import json,sys; print(sum(d["name"] == "vinhdanh" for d in json.load(sys.stdin)))')" -ge "$flows" ]
}
until_ok "the workers' $flows deployments" 120 deployed

start api "$BIN/vinhdanh" serve --host 127.0.0.1 --port "$API_PORT" --workers "$API_WORKERS"
until_ok "the API" 60 curl -sf "http://127.0.0.1:$API_PORT/api/v1/health"

cat << INFO
Cluster up ($N workers, API under $API_WORKERS uvicorn workers):
  app            http://127.0.0.1:$API_PORT/   (API http://127.0.0.1:$API_PORT/api/v1, docs /docs)
  Prefect        http://127.0.0.1:$PREFECT_PORT/   (API $PREFECT_API_URL)
  app database   $VINHDANH_DATABASE_URL
  Prefect's      ${PGURL}/${DB}_prefect
  documents      $VINHDANH_DATA_DIR
  stop with      bench/cluster_down.sh
INFO
