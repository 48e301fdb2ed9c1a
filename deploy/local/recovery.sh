#!/usr/bin/env bash
# Shared by deploy/backup.sh and deploy/restore.sh: `. deploy/local/recovery.sh NAME` loads env.sh, moves to the
# repository root, and defines log/die (prefixed NAME), running commands as the PostgreSQL OS user, and the
# silo's recovery commands (storage-export, storage-import, restore-check).
#
# The silo commands run the silo build in MYNA_SILO_DIR (default: the Release build deploy/run.sh makes;
# built here if missing) with the silo's own configuration from the environment: ConnectionStrings__Postgres
# (default: database MYNA_DB, "myna", on the local server), ConnectionStrings__AzureStorage (default: the local
# Azurite) and DOTNET_ENVIRONMENT (default Development; production passes its secrets as it does to the silo).

# shellcheck source=deploy/local/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MYNA_REPO_ROOT"
RECOVERY_SCRIPT="${1:-recovery}"
log() { echo "$RECOVERY_SCRIPT: $*" >&2; }
die() { echo "$RECOVERY_SCRIPT: error: $*" >&2; exit 1; }

PG_OS_USER=postgres
as_pg() {
    if [[ "$(id -u)" -eq 0 ]]; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

# A directory (with parents) the PostgreSQL OS user owns.
pg_owned_dir() {
    mkdir -p "$1"
    if [[ "$(id -u)" -eq 0 ]]; then chown "$PG_OS_USER:" "$1"; fi
}

MYNA_SILO_DIR="${MYNA_SILO_DIR:-$MYNA_REPO_ROOT/silo/Myna.Silo/bin/Release/net10.0}"
export ConnectionStrings__Postgres="${ConnectionStrings__Postgres:-$(myna_pg_conn "${MYNA_DB:-myna}")}"
export ConnectionStrings__AzureStorage="${ConnectionStrings__AzureStorage:-$MYNA_AZURE_STORAGE}"
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}" ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-${DOTNET_ENVIRONMENT:-Development}}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Runs a silo recovery command; its JSON goes to stdout, its log to stderr.
silo_command() {
    if [[ ! -f "$MYNA_SILO_DIR/Myna.Silo.dll" ]]; then
        echo "building the silo…" >&2
        dotnet build "$MYNA_REPO_ROOT/silo/Myna.Silo" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
    fi
    (cd "$MYNA_SILO_DIR" && Logging__Console__LogToStandardErrorThreshold=Trace dotnet Myna.Silo.dll "$@")
}

# Epoch seconds of an ISO 8601 time ("2026-12-05T20:15:00Z").
epoch_of() { date -u -d "$1" +%s; }
