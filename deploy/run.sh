#!/usr/bin/env bash
# Runs Myna.Orleans on this machine: PostgreSQL + Azurite (started if not running), one silo and the
# API (Development: the token endpoint is on). Ctrl-C stops the silo and the API it started; the stores
# keep running (deploy/local/infra.sh down stops them).
#
# Environment: MYNA_API_URL (default http://127.0.0.1:5080), MYNA_SILO_PORT (11111),
#              MYNA_GATEWAY_PORT (30000), MYNA_SILO_HTTP_PORT (8081: the silo's /health, /metrics, /dashboard).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=local/env.sh
. deploy/local/env.sh

API_URL="${MYNA_API_URL:-http://127.0.0.1:5080}"
SILO_PORT="${MYNA_SILO_PORT:-11111}"
GATEWAY_PORT="${MYNA_GATEWAY_PORT:-30000}"
SILO_HTTP_PORT="${MYNA_SILO_HTTP_PORT:-8081}"
LOGS="$MYNA_STATE_DIR/logs"
mkdir -p "$LOGS"

deploy/local/infra.sh up
deploy/local/postgres.sh createdb myna

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "building…"
dotnet build Myna.Orleans.sln -c Release --nologo -v quiet -clp:ErrorsOnly

export ConnectionStrings__Postgres
ConnectionStrings__Postgres="$(myna_pg_conn myna)"
export ConnectionStrings__AzureStorage="$MYNA_AZURE_STORAGE"
export Cluster__SiloPort="$SILO_PORT" Cluster__GatewayPort="$GATEWAY_PORT"

pids=()
stopping=0
stop_all() {
    stopping=1
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    echo "silo and API stopped"
}
trap stop_all INT TERM EXIT

wait_for() { # $1 description, $2 seconds, $3 pid, rest: command that succeeds when ready
    local what=$1 seconds=$2 pid=$3
    shift 3
    for _ in $(seq "$seconds"); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$what exited; see $LOGS" >&2
            return 1
        fi
        sleep 1
    done
    echo "$what not ready after ${seconds}s; see $LOGS" >&2
    return 1
}

# The deploy-time schema step (a silo outside Development only verifies the schema; Development would also apply it).
(cd silo/Myna.Silo/bin/Release/net10.0 && DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development \
    dotnet Myna.Silo.dll migrate) >"$LOGS/migrate.log" 2>&1 || { echo "the schema migration failed; see $LOGS/migrate.log" >&2; exit 1; }
(cd silo/Myna.Silo/bin/Release/net10.0 && DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development \
    exec dotnet Myna.Silo.dll --urls "http://127.0.0.1:$SILO_HTTP_PORT") >"$LOGS/silo.log" 2>&1 &
pids+=($!)
wait_for "silo" 120 "${pids[0]}" bash -c "exec 3<>/dev/tcp/127.0.0.1/$GATEWAY_PORT"

(cd api/Myna.Api/bin/Release/net10.0 && ASPNETCORE_ENVIRONMENT=Development exec dotnet Myna.Api.dll --urls "$API_URL") >"$LOGS/api.log" 2>&1 &
pids+=($!)
wait_for "API" 120 "${pids[1]}" curl -fsS "$API_URL/health"

cat <<INFO

Myna.Orleans is running (logs in $LOGS):
  API            $API_URL
  API reference  $API_URL/scalar/v1
  OpenAPI        $API_URL/openapi/v1.json
  health         $API_URL/health
  dashboard      http://127.0.0.1:$SILO_HTTP_PORT/dashboard
  silo           127.0.0.1:$SILO_PORT (gateway $GATEWAY_PORT), PostgreSQL 127.0.0.1:$MYNA_PG_PORT, Azurite 127.0.0.1:$MYNA_AZURITE_TABLE_PORT

Try it (see README "A first request"):
  TOKEN=\$(curl -s -X POST $API_URL/dev/tokens -H 'content-type: application/json' \\
    -d '{"subject":"clerk-1","role":"municipality","scope":{"municipality":"131016"}}' | sed 's/.*"accessToken":"\\([^"]*\\)".*/\\1/')
  curl -s -X POST $API_URL/v1/persons -H "authorization: Bearer \$TOKEN" -H 'content-type: application/json' \\
    -H "Idempotency-Key: demo-\$(date +%s%N)" \\
    -d '{"name":"山田 太郎","address":"東京都千代田区千代田1-1","dateOfBirth":"1990-04-01","sex":"male","reason":"move-in"}'

Ctrl-C stops the silo and the API.
INFO

wait -n "${pids[@]}" || true
if [[ $stopping -eq 0 ]]; then
    echo "the silo or the API exited; stopping the other (logs in $LOGS)" >&2
fi
