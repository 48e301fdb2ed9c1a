#!/usr/bin/env bash
# Local Azure Storage emulator (Azurite): blob, queue and table on 127.0.0.1 only.
#
# Usage: deploy/local/azurite.sh start|stop|status
#
# Azurite is pinned in the repo's package.json and installed into the repo's
# node_modules on first use. Ports and data dir come from env.sh. Idempotent.
set -euo pipefail
umask 022

# shellcheck source=deploy/local/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

AZURITE_BIN="$MYNA_REPO_ROOT/node_modules/.bin/azurite"
PID_FILE="$MYNA_STATE_DIR/azurite.pid"
LOG_FILE="$MYNA_STATE_DIR/azurite.log"
PORTS=("$MYNA_AZURITE_BLOB_PORT" "$MYNA_AZURITE_QUEUE_PORT" "$MYNA_AZURITE_TABLE_PORT")

log() { echo "azurite: $*"; }
die() { echo "azurite: error: $*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PID from the pid file, if that process is alive and is Azurite.
running_pid() {
    local pid
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q azurite || return 1
    echo "$pid"
}

# Install the pinned Azurite into the repo (npm ci when the lock file exists).
ensure_installed() {
    [[ -x "$AZURITE_BIN" ]] && return 0
    command -v npm >/dev/null || die "npm is required to install Azurite"
    [[ -f "$MYNA_REPO_ROOT/package.json" ]] || die "missing $MYNA_REPO_ROOT/package.json"
    log "installing pinned Azurite into $MYNA_REPO_ROOT/node_modules"
    if [[ -f "$MYNA_REPO_ROOT/package-lock.json" ]]; then
        (cd "$MYNA_REPO_ROOT" && npm ci --no-audit --no-fund)
    else
        (cd "$MYNA_REPO_ROOT" && npm install --no-audit --no-fund)
    fi
    [[ -x "$AZURITE_BIN" ]] || die "install finished but $AZURITE_BIN is missing"
}

cmd_start() {
    local pid
    if pid="$(running_pid)"; then
        log "already running (pid $pid, ports ${PORTS[*]})"
        return 0
    fi
    rm -f "$PID_FILE"

    # Refuse to start if another process holds any of our ports.
    local port
    for port in "${PORTS[@]}"; do
        if port_open "$port"; then
            ss -ltnp "sport = :$port" 2>/dev/null | tail -n +2 >&2 || true
            die "port 127.0.0.1:$port is already in use by another process; stop it or set MYNA_AZURITE_*_PORT"
        fi
    done

    ensure_installed
    mkdir -p "$MYNA_STATE_DIR" "$MYNA_AZURITE_DIR"

    # Detached session; the wrapper writes its own PID, then execs Azurite in place.
    # --disableTelemetry keeps Azurite from contacting anything off this machine.
    log "starting (data $MYNA_AZURITE_DIR, log $LOG_FILE)"
    # shellcheck disable=SC2016  # $$ and $@ expand in the inner shell
    setsid bash -c 'echo $$ >"$0"; exec nohup "$@"' "$PID_FILE" \
        "$AZURITE_BIN" --silent --disableTelemetry --skipApiVersionCheck --loose \
        --location "$MYNA_AZURITE_DIR" \
        --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
        --blobPort "$MYNA_AZURITE_BLOB_PORT" \
        --queuePort "$MYNA_AZURITE_QUEUE_PORT" \
        --tablePort "$MYNA_AZURITE_TABLE_PORT" \
        >>"$LOG_FILE" 2>&1 </dev/null &

    # Wait up to 60 s for all three services to accept connections.
    local deadline=$((SECONDS + 60)) ready
    while :; do
        ready=1
        for port in "${PORTS[@]}"; do port_open "$port" || ready=0; done
        if [[ "$ready" -eq 1 ]] && pid="$(running_pid)"; then break; fi
        # Dead means dead: while the wrapper execs nohup and then node, /proc/PID/cmdline can briefly read
        # empty, so the "is it Azurite" check of running_pid would call a starting server dead.
        if [[ -s "$PID_FILE" ]] && ! kill -0 "$(cat "$PID_FILE" 2>/dev/null)" 2>/dev/null; then
            tail -n 20 "$LOG_FILE" >&2 || true
            rm -f "$PID_FILE"
            die "Azurite exited during startup; see $LOG_FILE"
        fi
        if (( SECONDS >= deadline )); then
            tail -n 20 "$LOG_FILE" >&2 || true
            cmd_stop >/dev/null
            die "Azurite did not become ready within 60 s; see $LOG_FILE"
        fi
        sleep 0.5
    done
    log "ready (pid $pid, blob $MYNA_AZURITE_BLOB_PORT, queue $MYNA_AZURITE_QUEUE_PORT, table $MYNA_AZURITE_TABLE_PORT)"
}

cmd_stop() {
    local pid i
    if ! pid="$(running_pid)"; then
        log "not running"
        rm -f "$PID_FILE"
        return 0
    fi
    log "stopping (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "still alive after 10 s; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PID_FILE"
    log "stopped"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        log "running (pid $pid, blob $MYNA_AZURITE_BLOB_PORT, queue $MYNA_AZURITE_QUEUE_PORT, table $MYNA_AZURITE_TABLE_PORT)"
    else
        log "stopped"
        return 1
    fi
}

case "${1:-}" in
    start)  cmd_start ;;
    stop)   cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
