#!/usr/bin/env bash
# Starts one silo and the API on the local PostgreSQL and Azurite (which must be up): used by deploy/run.sh
# (Release, the database myna) and by deploy/portal-test.sh (Debug, the test database). Source it, then:
#
#   myna_system_start CONFIGURATION DATABASE API_URL SILO_PORT GATEWAY_PORT SILO_HTTP_PORT LOGS [PORTAL_DIR]
#   myna_system_stop
#
# The silo and the API run in Development (the token endpoint is on). PORTAL_DIR, when given, is served by the
# API at /portal/ (Portal:StaticFiles). The pids are in MYNA_SYSTEM_PIDS (silo first, then the API).

MYNA_SYSTEM_PIDS=()

myna_wait_for() { # $1 description, $2 seconds, $3 pid, $4 logs, rest: command that succeeds when ready
    local what=$1 seconds=$2 pid=$3 logs=$4
    shift 4
    for _ in $(seq "$seconds"); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$what exited; see $logs" >&2
            return 1
        fi
        sleep 1
    done
    echo "$what not ready after ${seconds}s; see $logs" >&2
    return 1
}

myna_system_start() {
    local configuration=$1 database=$2 api_url=$3 silo_port=$4 gateway_port=$5 silo_http_port=$6 logs=$7 portal_dir=${8:-}
    local root="$MYNA_REPO_ROOT"
    mkdir -p "$logs"
    export ConnectionStrings__Postgres
    ConnectionStrings__Postgres="$(myna_pg_conn "$database")"
    export ConnectionStrings__AzureStorage="$MYNA_AZURE_STORAGE"
    export Cluster__SiloPort="$silo_port" Cluster__GatewayPort="$gateway_port"
    local silo_bin="$root/silo/Myna.Silo/bin/$configuration/net10.0" api_bin="$root/api/Myna.Api/bin/$configuration/net10.0"

    # The deploy-time schema step (a silo outside Development only verifies the schema; Development would also apply it).
    (cd "$silo_bin" && DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development \
        dotnet Myna.Silo.dll migrate) >"$logs/migrate.log" 2>&1 || { echo "the schema migration failed; see $logs/migrate.log" >&2; return 1; }
    (cd "$silo_bin" && DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development \
        exec dotnet Myna.Silo.dll --urls "http://127.0.0.1:$silo_http_port") >"$logs/silo.log" 2>&1 &
    MYNA_SYSTEM_PIDS+=($!)
    myna_wait_for "silo" 120 "${MYNA_SYSTEM_PIDS[0]}" "$logs" bash -c "exec 3<>/dev/tcp/127.0.0.1/$gateway_port" || return 1

    if [[ -n "$portal_dir" ]]; then
        mkdir -p "$portal_dir"
        export Portal__StaticFiles="$portal_dir"
    fi
    (cd "$api_bin" && ASPNETCORE_ENVIRONMENT=Development exec dotnet Myna.Api.dll --urls "$api_url") >"$logs/api.log" 2>&1 &
    MYNA_SYSTEM_PIDS+=($!)
    myna_wait_for "API" 120 "${MYNA_SYSTEM_PIDS[1]}" "$logs" curl -fsS "$api_url/health"
}

myna_system_stop() {
    local pid
    for pid in "${MYNA_SYSTEM_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${MYNA_SYSTEM_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    MYNA_SYSTEM_PIDS=()
}
