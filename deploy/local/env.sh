#!/usr/bin/env bash
# Shared settings for the local infrastructure scripts (PostgreSQL + Azurite).
#
# Source it:   . deploy/local/env.sh      (defines and exports MYNA_* variables)
# Or run it:   eval "$(deploy/local/env.sh)"  (prints the exports)
#
# Every MYNA_* value below can be overridden by setting it beforehand.
# This file does not change shell options, so it is safe to source from an
# interactive shell; it works under `set -euo pipefail` as well.

# Repository root: two directories above this file, symlinks resolved.
MYNA_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
export MYNA_REPO_ROOT

# Per-checkout state (logs, pid files, Azurite data). Git-ignored.
export MYNA_STATE_DIR="${MYNA_STATE_DIR:-$MYNA_REPO_ROOT/.local}"

# Short stable id of this checkout, used to keep data of different clones apart.
MYNA_REPO_HASH="$(printf '%s' "$MYNA_REPO_ROOT" | sha256sum | cut -c1-8)"
export MYNA_REPO_HASH

# --- PostgreSQL ---------------------------------------------------------------
export MYNA_PG_PORT="${MYNA_PG_PORT:-55432}"

# Server binaries: pg_config's bindir, else the newest installed server.
if [[ -z "${MYNA_PG_BIN:-}" ]]; then
    MYNA_PG_BIN="$(pg_config --bindir 2>/dev/null || true)"
    if [[ ! -x "${MYNA_PG_BIN:-}/initdb" ]]; then
        # shellcheck disable=SC2012  # fixed, simple paths
        MYNA_PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    fi
fi
export MYNA_PG_BIN

# Data directory. As root the server runs as the `postgres` OS user, which may
# not be able to enter the checkout (e.g. under /root), so by default the data
# lives in /var/tmp/myna-<hash>/pgdata; as any other user, in the state dir.
if [[ -z "${MYNA_PG_DATA:-}" ]]; then
    if [[ "$(id -u)" -eq 0 ]]; then
        MYNA_PG_DATA="/var/tmp/myna-$MYNA_REPO_HASH/pgdata"
    else
        MYNA_PG_DATA="$MYNA_STATE_DIR/pgdata"
    fi
fi
export MYNA_PG_DATA

# Continuous WAL archiving (point-in-time recovery, deploy/backup.sh and deploy/restore.sh): on unless
# MYNA_PG_ARCHIVE=off (the test and benchmark servers). Locally the archive is a directory beside the data
# directory (the server's OS user must reach it); in production it is a blob container.
export MYNA_PG_ARCHIVE="${MYNA_PG_ARCHIVE:-on}"
export MYNA_PG_WAL_ARCHIVE="${MYNA_PG_WAL_ARCHIVE:-$(dirname "$MYNA_PG_DATA")/wal-archive}"
# A partly filled WAL segment is archived after this many seconds: the bound on what a lost disk loses (RPO).
export MYNA_PG_ARCHIVE_TIMEOUT="${MYNA_PG_ARCHIVE_TIMEOUT:-60}"
# Base backups and Azure Storage exports (deploy/backup.sh).
export MYNA_BACKUP_DIR="${MYNA_BACKUP_DIR:-$(dirname "$MYNA_PG_DATA")/backups}"

# --- Azurite (Azure Storage emulator) ----------------------------------------
export MYNA_AZURITE_BLOB_PORT="${MYNA_AZURITE_BLOB_PORT:-10000}"
export MYNA_AZURITE_QUEUE_PORT="${MYNA_AZURITE_QUEUE_PORT:-10001}"
export MYNA_AZURITE_TABLE_PORT="${MYNA_AZURITE_TABLE_PORT:-10002}"
export MYNA_AZURITE_DIR="${MYNA_AZURITE_DIR:-$MYNA_STATE_DIR/azurite}"

# --- Connection strings for the application and tests ------------------------
# Npgsql connection string for database $1 (user myna, loopback only).
myna_pg_conn() {
    local db="${1:?usage: myna_pg_conn DBNAME}"
    echo "Host=127.0.0.1;Port=$MYNA_PG_PORT;Username=myna;Password=myna;Database=$db"
}
export -f myna_pg_conn

MYNA_POSTGRES_ADMIN="$(myna_pg_conn postgres)"
export MYNA_POSTGRES_ADMIN

# Azurite's well-known development account, with explicit loopback endpoints.
export MYNA_AZURE_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$MYNA_AZURITE_BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$MYNA_AZURITE_QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$MYNA_AZURITE_TABLE_PORT/devstoreaccount1;"

# When executed rather than sourced: print the settings as shell exports.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    for v in MYNA_REPO_ROOT MYNA_STATE_DIR MYNA_PG_PORT MYNA_PG_BIN MYNA_PG_DATA \
             MYNA_PG_ARCHIVE MYNA_PG_WAL_ARCHIVE MYNA_PG_ARCHIVE_TIMEOUT MYNA_BACKUP_DIR \
             MYNA_AZURITE_BLOB_PORT MYNA_AZURITE_QUEUE_PORT MYNA_AZURITE_TABLE_PORT \
             MYNA_AZURITE_DIR MYNA_POSTGRES_ADMIN MYNA_AZURE_STORAGE; do
        printf 'export %s=%q\n' "$v" "${!v}"
    done
fi
