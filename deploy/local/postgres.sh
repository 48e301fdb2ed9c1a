#!/usr/bin/env bash
# Local PostgreSQL server for development and tests, reachable on 127.0.0.1 only.
#
# Usage: deploy/local/postgres.sh start|stop|status
#        deploy/local/postgres.sh createdb NAME   (owned by role myna; no-op if it exists)
#
# Settings (port, data dir, binaries) come from env.sh. All commands are idempotent.
set -euo pipefail
umask 022

# shellcheck source=deploy/local/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PG_OS_USER=postgres
IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

log() { echo "postgres: $*"; }
die() { echo "postgres: error: $*" >&2; exit 1; }

[[ -x "$MYNA_PG_BIN/pg_ctl" ]] || die "PostgreSQL server binaries not found in '$MYNA_PG_BIN' (set MYNA_PG_BIN)"
[[ "$MYNA_PG_PORT" =~ ^[0-9]+$ ]] || die "MYNA_PG_PORT must be a number, got '$MYNA_PG_PORT'"

# PostgreSQL refuses to run as root: as root, use the `postgres` OS user.
ensure_os_user() {
    if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
        log "creating OS user $PG_OS_USER"
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$PG_OS_USER"
    fi
}

# Run a command as the server's OS user (from / so its cwd is always reachable).
as_pg() {
    if [[ "$IS_ROOT" -eq 1 ]]; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

# True when the server's OS user can reach (traverse) the nearest existing
# ancestor of the given path.
pg_can_reach() {
    local dir="$1"
    while [[ ! -e "$dir" ]]; do dir="$(dirname "$dir")"; done
    as_pg test -x "$dir" 2>/dev/null
}

# Work out data dir, log file and socket dir.
resolve_layout() {
    PG_DATA="$MYNA_PG_DATA"
    if [[ "$IS_ROOT" -eq 1 ]] && ! pg_can_reach "$(dirname "$PG_DATA")"; then
        local fallback="/var/tmp/myna-pg-$MYNA_REPO_HASH/pgdata"
        log "note: user $PG_OS_USER cannot reach '$PG_DATA'; using '$fallback' instead"
        PG_DATA="$fallback"
    fi
    RUN_DIR="$(dirname "$PG_DATA")"
    PG_LOG="$RUN_DIR/postgres.log"
    SOCK_DIR="$RUN_DIR/sock"
    # Unix socket paths are limited to ~107 bytes.
    if (( ${#SOCK_DIR} > 80 )); then
        SOCK_DIR="/tmp/myna-pg-$MYNA_REPO_HASH-sock"
    fi
    PID_FILE="$MYNA_STATE_DIR/postgres.pid"
}

is_initialized() { [[ -f "$PG_DATA/PG_VERSION" ]]; }

is_running() {
    is_initialized && as_pg "$MYNA_PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

postmaster_pid() { head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# psql as the bootstrap superuser over loopback TCP (trust auth).
psql_admin() {
    "$MYNA_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$MYNA_PG_PORT" -U postgres -d postgres "$@"
}

# Create a directory (with parents) owned by the server's OS user.
make_pg_dir() {
    mkdir -p "$1"
    if [[ "$IS_ROOT" -eq 1 ]]; then chown "$PG_OS_USER:" "$1"; fi
}

init_cluster() {
    is_initialized && return 0
    make_pg_dir "$PG_DATA"
    chmod 700 "$PG_DATA"
    local locale_opt=(--no-locale)
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        locale_opt=(--locale=C.UTF-8)
    fi
    log "initializing cluster in $PG_DATA"
    as_pg "$MYNA_PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 "${locale_opt[@]}" >/dev/null
}

# (Re)write our settings on every start so env overrides (e.g. the port) apply.
configure_cluster() {
    local conf="$PG_DATA/myna.conf"
    as_pg tee "$conf" >/dev/null <<CONF
# Managed by deploy/local/postgres.sh; rewritten on every start.
listen_addresses = '127.0.0.1'
port = $MYNA_PG_PORT
unix_socket_directories = '$SOCK_DIR'
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 300
shared_buffers = 256MB
wal_level = replica
max_wal_senders = 10
CONF
    if [[ "$MYNA_PG_ARCHIVE" == "on" ]]; then
        make_pg_dir "$MYNA_PG_WAL_ARCHIVE"
        # Each finished segment, compressed, never overwriting one already archived (PostgreSQL retries a failure).
        as_pg tee -a "$conf" >/dev/null <<CONF
archive_mode = on
archive_command = 'test ! -f $MYNA_PG_WAL_ARCHIVE/%f.gz && gzip -c %p > $MYNA_PG_WAL_ARCHIVE/%f.gz.part && mv $MYNA_PG_WAL_ARCHIVE/%f.gz.part $MYNA_PG_WAL_ARCHIVE/%f.gz'
archive_timeout = $MYNA_PG_ARCHIVE_TIMEOUT
CONF
    fi
    if ! grep -q "^include_if_exists = 'myna.conf'" "$PG_DATA/postgresql.conf"; then
        echo "include_if_exists = 'myna.conf'" | as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
    fi
    # Trust loopback TCP and the local socket only.
    as_pg tee "$PG_DATA/pg_hba.conf" >/dev/null <<'HBA'
# Managed by deploy/local/postgres.sh; rewritten on every start.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  trust
local   replication all                 trust
host    replication all 127.0.0.1/32  trust
HBA
}

ensure_role() {
    psql_admin <<'SQL'
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'myna') THEN
        CREATE ROLE myna LOGIN SUPERUSER PASSWORD 'myna';
    END IF;
END
$$;
SQL
}

record_pid() {
    mkdir -p "$MYNA_STATE_DIR"
    postmaster_pid >"$PID_FILE"
}

cmd_start() {
    mkdir -p "$MYNA_STATE_DIR"
    if is_running; then
        log "already running (pid $(postmaster_pid), 127.0.0.1:$MYNA_PG_PORT)"
    else
        if port_in_use "$MYNA_PG_PORT"; then
            die "port 127.0.0.1:$MYNA_PG_PORT is already in use by another process (set MYNA_PG_PORT)"
        fi
        make_pg_dir "$RUN_DIR"
        make_pg_dir "$SOCK_DIR"
        init_cluster
        configure_cluster
        touch "$PG_LOG"
        if [[ "$IS_ROOT" -eq 1 ]]; then chown "$PG_OS_USER:" "$PG_LOG"; fi
        log "starting on 127.0.0.1:$MYNA_PG_PORT (data $PG_DATA, log $PG_LOG)"
        if ! as_pg "$MYNA_PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null; then
            tail -n 20 "$PG_LOG" >&2 || true
            die "server did not start; see $PG_LOG"
        fi
    fi
    ensure_role
    record_pid
    log "ready (pid $(cat "$PID_FILE"))"
}

cmd_stop() {
    if is_running; then
        log "stopping (pid $(postmaster_pid))"
        as_pg "$MYNA_PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
        log "stopped"
    else
        log "not running"
    fi
    rm -f "$PID_FILE"
}

cmd_status() {
    if is_running; then
        log "running (pid $(postmaster_pid), 127.0.0.1:$MYNA_PG_PORT, data $PG_DATA)"
    else
        log "stopped (data $PG_DATA)"
        return 1
    fi
}

cmd_createdb() {
    local name="${1:-}"
    [[ -n "$name" ]] || die "usage: $0 createdb NAME"
    is_running || die "server is not running; run '$0 start' first"
    psql_admin -v "dbname=$name" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER myna', :'dbname')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'dbname')
\gexec
SQL
    log "database '$name' is present"
}

[[ "$IS_ROOT" -eq 1 ]] && ensure_os_user
resolve_layout

case "${1:-}" in
    start)    cmd_start ;;
    stop)     cmd_stop ;;
    status)   cmd_status ;;
    createdb) cmd_createdb "${2:-}" ;;
    *) echo "usage: $0 start|stop|status|createdb NAME" >&2; exit 2 ;;
esac
