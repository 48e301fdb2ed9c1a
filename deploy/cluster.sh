#!/usr/bin/env bash
# A real multi-silo cluster on this machine: PostgreSQL + Azurite (deploy/local), N silo processes with
# Azure Table clustering on Azurite (distinct silo, gateway and HTTP ports) and the API, which finds the
# silos' gateways through the same membership table. Built once in Release.
#
# Usage: deploy/cluster.sh up [N]        start the stores (if not running), N silos (default 3) and the API
#        deploy/cluster.sh down          stop what `up` started (SIGTERM first, by PID), then the stores if `up` started them
#        deploy/cluster.sh status        every process, its ports and /health
#        deploy/cluster.sh kill I        kill -9 silo I (1-based): a crash, for trying failover by hand
#        deploy/cluster.sh stop I        SIGTERM silo I: graceful shutdown, its grains deactivate
#        deploy/cluster.sh start I       start silo I again (after kill or stop)
#        deploy/cluster.sh restart       rolling restart: each silo in turn stopped gracefully and started again
#
# Ports (environment): MYNA_CLUSTER_SILO_PORT (11111), MYNA_CLUSTER_GATEWAY_PORT (30000),
#   MYNA_CLUSTER_SILO_HTTP_PORT (8081: /health, /metrics, /dashboard); silo I uses base + I - 1.
#   MYNA_API_URL (http://127.0.0.1:5080). MYNA_CLUSTER_ENVIRONMENT (Development: dev tokens, dashboard).
# Stores: the MYNA_PG_* / MYNA_AZURITE_* variables of deploy/local/env.sh. State: $MYNA_STATE_DIR/cluster.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=local/env.sh
. deploy/local/env.sh

SILO_PORT="${MYNA_CLUSTER_SILO_PORT:-11111}"
GATEWAY_PORT="${MYNA_CLUSTER_GATEWAY_PORT:-30000}"
SILO_HTTP_PORT="${MYNA_CLUSTER_SILO_HTTP_PORT:-8081}"
API_URL="${MYNA_API_URL:-http://127.0.0.1:5080}"
ENVIRONMENT="${MYNA_CLUSTER_ENVIRONMENT:-Development}"
CLUSTER_ID="${MYNA_CLUSTER_ID:-myna-local}"
STATE="$MYNA_STATE_DIR/cluster"
LOGS="$STATE/logs"
SILO_DIR="$ROOT/silo/Myna.Silo/bin/Release/net10.0"
API_DIR="$ROOT/api/Myna.Api/bin/Release/net10.0"

log() { echo "cluster: $*"; }
die() { echo "cluster: error: $*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PID from a pid file, only if that process is alive and runs the expected program.
pid_of() { # $1 pid file, $2 expected dll
    local pid
    pid="$(cat "$1" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$2" || return 1
    echo "$pid"
}

silo_count() { cat "$STATE/silos" 2>/dev/null || echo 0; }
silo_port() { echo $((SILO_PORT + $1 - 1)); }
gateway_port() { echo $((GATEWAY_PORT + $1 - 1)); }
silo_http() { echo "http://127.0.0.1:$((SILO_HTTP_PORT + $1 - 1))"; }

common_env() {
    export ConnectionStrings__Postgres
    ConnectionStrings__Postgres="$(myna_pg_conn myna)"
    export ConnectionStrings__AzureStorage="$MYNA_AZURE_STORAGE"
    export Cluster__Clustering=AzureTable Cluster__ClusterId="$CLUSTER_ID"
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
    # Failover: a killed silo is declared dead after two missed probes of 2 s (Orleans' defaults: three of 5 s),
    # and the API answers 503 after 4 s instead of waiting Orleans' 30 s for a silo that is gone. Batch calls
    # (bulk registration, feeds, rebuilds, audit verification) carry longer timeouts of their own.
    export Cluster__Membership__ProbeTimeout="${MYNA_CLUSTER_PROBE_TIMEOUT:-00:00:02}"
    export Cluster__Membership__NumMissedProbesLimit="${MYNA_CLUSTER_MISSED_PROBES:-2}"
    export Cluster__Messaging__ResponseTimeout="${MYNA_CLUSTER_RESPONSE_TIMEOUT:-00:00:04}"
}

# Start a detached process; the wrapper shell writes its own PID and then execs the program in place.
spawn() { # $1 pid file, $2 log file, $3 working dir, rest: command
    local pid_file=$1 log_file=$2 dir=$3
    shift 3
    # shellcheck disable=SC2016  # $$ and $@ expand in the inner shell
    (cd "$dir" && exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$@") >>"$log_file" 2>&1 </dev/null &
    for _ in $(seq 50); do [[ -s "$pid_file" ]] && return 0; sleep 0.1; done
    die "no pid written to $pid_file"
}

wait_until() { # $1 what, $2 seconds, $3 pid file, $4 dll, rest: readiness command
    local what=$1 seconds=$2 pid_file=$3 dll=$4
    shift 4
    for _ in $(seq "$((seconds * 2))"); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        pid_of "$pid_file" "$dll" >/dev/null || die "$what exited during start-up; see $LOGS"
        sleep 0.5
    done
    die "$what not ready after ${seconds}s; see $LOGS"
}

migrate() { # the deploy-time schema step: silos outside Development only verify the schema
    common_env
    log "applying the database schema (Myna.Silo migrate)"
    (cd "$SILO_DIR" && DOTNET_ENVIRONMENT="$ENVIRONMENT" ASPNETCORE_ENVIRONMENT="$ENVIRONMENT" \
        dotnet Myna.Silo.dll migrate >>"$LOGS/migrate.log" 2>&1) || die "the schema migration failed; see $LOGS/migrate.log"
}

start_silo() { # $1 index
    local i=$1 pid_file="$STATE/silo-$1.pid"
    if pid_of "$pid_file" Myna.Silo.dll >/dev/null; then
        log "silo $i already running"
        return 0
    fi
    port_open "$(gateway_port "$i")" && die "gateway port $(gateway_port "$i") is in use by another process"
    common_env
    log "starting silo $i (silo $(silo_port "$i"), gateway $(gateway_port "$i"), http $(silo_http "$i"))"
    DOTNET_ENVIRONMENT="$ENVIRONMENT" ASPNETCORE_ENVIRONMENT="$ENVIRONMENT" \
    Cluster__SiloPort="$(silo_port "$i")" Cluster__GatewayPort="$(gateway_port "$i")" \
        spawn "$pid_file" "$LOGS/silo-$i.log" "$SILO_DIR" dotnet Myna.Silo.dll --urls "$(silo_http "$i")"
    wait_until "silo $i" 120 "$pid_file" Myna.Silo.dll curl -fsS "$(silo_http "$i")/health"
}

start_api() {
    local pid_file="$STATE/api.pid"
    if pid_of "$pid_file" Myna.Api.dll >/dev/null; then
        log "API already running"
        return 0
    fi
    common_env
    log "starting the API on $API_URL"
    ASPNETCORE_ENVIRONMENT="$ENVIRONMENT" spawn "$pid_file" "$LOGS/api.log" "$API_DIR" dotnet Myna.Api.dll --urls "$API_URL"
    wait_until "API" 120 "$pid_file" Myna.Api.dll curl -fsS "$API_URL/health"
}

# SIGTERM, wait up to $3 seconds for a clean exit (grains deactivate, the silo leaves membership), then KILL.
stop_pid_file() { # $1 pid file, $2 dll, $3 seconds
    local pid
    if ! pid="$(pid_of "$1" "$2")"; then
        rm -f "$1"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq "$(($3 * 2))"); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$1"; return 0; }
        sleep 0.5
    done
    log "pid $pid still running after $3 s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$1"
}

cmd_up() {
    local n=${1:-3}
    [[ "$n" =~ ^[1-9][0-9]?$ ]] || die "N must be 1..99"
    mkdir -p "$STATE" "$LOGS"
    if ! deploy/local/infra.sh status >/dev/null 2>&1; then
        touch "$STATE/infra-started"
    fi
    deploy/local/infra.sh up
    deploy/local/postgres.sh createdb myna
    log "building (Release)"
    dotnet build Myna.Orleans.sln -c Release --nologo -v quiet -clp:ErrorsOnly
    echo "$n" >"$STATE/silos"
    migrate
    local i
    for ((i = 1; i <= n; i++)); do start_silo "$i"; done
    start_api
    cmd_status
}

cmd_down() {
    local i n
    n=$(silo_count)
    stop_pid_file "$STATE/api.pid" Myna.Api.dll 30
    for ((i = 1; i <= n; i++)); do stop_pid_file "$STATE/silo-$i.pid" Myna.Silo.dll 60; done
    rm -f "$STATE/silos"
    if [[ -f "$STATE/infra-started" ]]; then
        deploy/local/infra.sh down
        rm -f "$STATE/infra-started"
    fi
    log "stopped"
}

cmd_status() {
    local i n pid rc=0
    n=$(silo_count)
    for ((i = 1; i <= n; i++)); do
        if pid="$(pid_of "$STATE/silo-$i.pid" Myna.Silo.dll)"; then
            echo "silo $i  pid $pid  silo $(silo_port "$i")  gateway $(gateway_port "$i")  $(silo_http "$i")/health: $(curl -s -o /dev/null -w '%{http_code}' "$(silo_http "$i")/health" || true)"
        else
            echo "silo $i  stopped"
            rc=1
        fi
    done
    if pid="$(pid_of "$STATE/api.pid" Myna.Api.dll)"; then
        echo "API     pid $pid  $API_URL/health: $(curl -s "$API_URL/health" || true)"
    else
        echo "API     stopped"
        rc=1
    fi
    echo "logs in $LOGS; dashboard (Development) at $(silo_http 1)/dashboard"
    return "$rc"
}

index_arg() {
    [[ "${1:-}" =~ ^[0-9]+$ && $1 -ge 1 && $1 -le $(silo_count) ]] || die "silo index must be 1..$(silo_count)"
}

case "${1:-}" in
    up) cmd_up "${2:-3}" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    kill)
        index_arg "${2:-}"
        pid="$(pid_of "$STATE/silo-$2.pid" Myna.Silo.dll)" || die "silo $2 is not running"
        kill -KILL "$pid"
        log "silo $2 (pid $pid) killed"
        ;;
    stop) index_arg "${2:-}"; stop_pid_file "$STATE/silo-$2.pid" Myna.Silo.dll 60; log "silo $2 stopped" ;;
    start) index_arg "${2:-}"; start_silo "$2" ;;
    restart)
        for ((i = 1; i <= $(silo_count); i++)); do
            log "rolling restart: silo $i"
            stop_pid_file "$STATE/silo-$i.pid" Myna.Silo.dll 60
            start_silo "$i"
        done
        ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
