#!/usr/bin/env bash
# Local infrastructure for development and tests: PostgreSQL + Azurite.
#
# Usage: deploy/local/infra.sh up|down|status
#   up      start both (no-op for what is already running)
#   down    stop both
#   status  show both; exits non-zero if either is stopped
#
# For connection strings, source deploy/local/env.sh
# (MYNA_POSTGRES_ADMIN, myna_pg_conn DBNAME, MYNA_AZURE_STORAGE).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"

case "${1:-}" in
    up)
        "$HERE/postgres.sh" start
        "$HERE/azurite.sh" start
        ;;
    down)
        # Try both even if the first fails.
        rc=0
        "$HERE/azurite.sh" stop || rc=$?
        "$HERE/postgres.sh" stop || rc=$?
        exit "$rc"
        ;;
    status)
        rc=0
        "$HERE/postgres.sh" status || rc=1
        "$HERE/azurite.sh" status || rc=1
        exit "$rc"
        ;;
    *)
        echo "usage: $0 up|down|status" >&2
        exit 2
        ;;
esac
