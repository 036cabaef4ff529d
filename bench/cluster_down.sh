#!/usr/bin/env bash
# Stop what bench/cluster_up.sh started, by its PID files (each process group: a worker's flow
# runs and uvicorn's workers with it): SIGTERM, then SIGKILL after 15 s; then check that nothing
# is left listening on the cluster's ports. The databases stay (DROP=1 drops them too).
set -euo pipefail
cd "$(dirname "$0")/.."
API_PORT=${API_PORT:-8000} PREFECT_PORT=${PREFECT_PORT:-4200}
PGURL=${PGURL:-postgresql://postgres@127.0.0.1:5432} DB=${DB:-vd_cluster}
CLUSTER=${CLUSTER:-var/cluster}

stopped=0
for pidfile in "$CLUSTER"/api.pid "$CLUSTER"/worker-*.pid "$CLUSTER"/prefect-server.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile") name=$(basename "$pidfile" .pid)
  if kill -0 "$pid" 2> /dev/null; then
    kill -TERM -- "-$pid" 2> /dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2> /dev/null || break; sleep 0.5; done
    if kill -0 -- "-$pid" 2> /dev/null; then
      echo "$name: still running after 15 s, killing it"
      kill -KILL -- "-$pid" 2> /dev/null || true
    fi
    echo "$name: stopped (pid $pid)"
    stopped=$((stopped + 1))
  fi
  rm -f "$pidfile"
done
echo "$stopped process group(s) stopped"

if [ "${DROP:-0}" = 1 ]; then
  for database in "$DB" "${DB}_prefect"; do
    psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" && echo "database $database: dropped"
  done
fi

left=$(ss -ltnH "( sport = :$API_PORT or sport = :$PREFECT_PORT )" | wc -l)
if [ "$left" -ne 0 ]; then
  echo "still listening on port $API_PORT or $PREFECT_PORT:" >&2
  ss -ltnp "( sport = :$API_PORT or sport = :$PREFECT_PORT )" >&2
  exit 1
fi
echo "nothing left listening on ports $API_PORT and $PREFECT_PORT"
