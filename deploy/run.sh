#!/usr/bin/env bash
# Runs Myna.Orleans on this machine: PostgreSQL + Azurite (started if not running), one silo, the
# API (Development: the token endpoint is on) and the reference portal it serves at /portal/. Ctrl-C stops the silo and the API it started; the stores
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

# shellcheck source=local/system.sh
. deploy/local/system.sh
stopping=0
stop_all() {
    stopping=1
    trap - INT TERM EXIT
    myna_system_stop
    echo "silo and API stopped"
}
trap stop_all INT TERM EXIT

PORTAL="$ROOT/api/Myna.Portal"
myna_system_start Release myna "$API_URL" "$SILO_PORT" "$GATEWAY_PORT" "$SILO_HTTP_PORT" "$LOGS" "$PORTAL/dist"

# The reference portal: its typed client is generated from the document this API serves, then it is built into
# the directory the API serves at /portal/.
echo "building the portal…"
if ! (cd "$PORTAL" && npm ci --no-audit --no-fund --loglevel=error && MYNA_OPENAPI_URL="$API_URL/openapi/v1.json" npm run --silent generate \
    && npm run --silent build) >"$LOGS/portal-build.log" 2>&1; then
    echo "the portal did not build (see $LOGS/portal-build.log); the API runs without it" >&2
fi

cat <<INFO

Myna.Orleans is running (logs in $LOGS):
  API            $API_URL
  portal         $API_URL/portal/   (log in with a software card: see README "The reference portal")
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

wait -n "${MYNA_SYSTEM_PIDS[@]}" || true
if [[ $stopping -eq 0 ]]; then
    echo "the silo or the API exited; stopping the other (logs in $LOGS)" >&2
fi
