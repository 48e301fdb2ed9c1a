#!/usr/bin/env bash
# Runs the benchmarks (issue 9: F1–F8, every figure a ratio against a baseline measured in the same run)
# and writes tests/Myna.Benchmarks/RESULTS.md.
#
# Usage: deploy/bench.sh           the full run (under 30 minutes on 2 cores; the run is cut at 28 minutes)
#        deploy/bench.sh --quick   a ~2-minute smoke run with small N (writes RESULTS-quick.md)
#        extra arguments go to the harness, e.g. --only F1,F3
#
# It starts its OWN PostgreSQL (durable: fsync = on, synchronous_commit = on) and Azurite, with state
# under .local/bench and ports apart from deploy/run.sh and deploy/test.sh (override with MYNA_PG_PORT,
# MYNA_AZURITE_BLOB_PORT / _QUEUE_PORT / _TABLE_PORT, MYNA_STATE_DIR), starts from an empty database,
# and stops both stores again on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

export MYNA_PG_PORT="${MYNA_PG_PORT:-55532}"
export MYNA_AZURITE_BLOB_PORT="${MYNA_AZURITE_BLOB_PORT:-10100}"
export MYNA_AZURITE_QUEUE_PORT="${MYNA_AZURITE_QUEUE_PORT:-$((MYNA_AZURITE_BLOB_PORT + 1))}"
export MYNA_AZURITE_TABLE_PORT="${MYNA_AZURITE_TABLE_PORT:-$((MYNA_AZURITE_BLOB_PORT + 2))}"
export MYNA_STATE_DIR="${MYNA_STATE_DIR:-$ROOT/.local/bench}"
if [[ -z "${MYNA_PG_DATA:-}" ]]; then
    # As root the server runs as `postgres`, which may not reach the checkout: keep its data in /var/tmp.
    if [[ "$(id -u)" -eq 0 ]]; then
        MYNA_PG_DATA="/var/tmp/myna-bench-$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)/pgdata"
    else
        MYNA_PG_DATA="$MYNA_STATE_DIR/pgdata"
    fi
fi
export MYNA_PG_DATA
# Figures comparable with earlier runs: no WAL archive (its gzip would share the two cores).
export MYNA_PG_ARCHIVE="${MYNA_PG_ARCHIVE:-off}"
# shellcheck source=local/env.sh
. deploy/local/env.sh

quick=0
for arg in "$@"; do
    [[ "$arg" == "--quick" ]] && quick=1
done
results="tests/Myna.Benchmarks/RESULTS.md"
[[ $quick -eq 1 ]] && results="tests/Myna.Benchmarks/RESULTS-quick.md"
command="deploy/bench.sh${*:+ $*}"

started=0
cleanup() {
    if [[ $started -eq 1 ]]; then
        deploy/local/infra.sh down >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if deploy/local/infra.sh status >/dev/null 2>&1; then
    echo "bench: the stores on ports $MYNA_PG_PORT / $MYNA_AZURITE_BLOB_PORT are already running; using them"
else
    started=1
    # A fresh Azurite: no membership rows, snapshots or reminders from an earlier run.
    rm -rf "$MYNA_AZURITE_DIR"
    deploy/local/infra.sh up
fi
"$MYNA_PG_BIN/psql" -X -q -h 127.0.0.1 -p "$MYNA_PG_PORT" -U postgres -d postgres -c 'DROP DATABASE IF EXISTS myna_bench WITH (FORCE)'
deploy/local/postgres.sh createdb myna_bench

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "bench: building (Release)"
dotnet build tests/Myna.Benchmarks/Myna.Benchmarks.csproj -c Release --nologo -v quiet -clp:ErrorsOnly

# 40 connections per pool: the 2-core server gains nothing from more, and F6 runs four silos' pools at once.
export MYNA_BENCH_POSTGRES="$(myna_pg_conn myna_bench);Maximum Pool Size=40"
export MYNA_BENCH_AZURE_STORAGE="$MYNA_AZURE_STORAGE"
# FINDINGS.md (what the figures led to: the fixes, their before figures, why targets are missed) is
# appended to the full report.
findings=()
[[ $quick -eq 0 && -f tests/Myna.Benchmarks/FINDINGS.md ]] && findings=(--append "$ROOT/tests/Myna.Benchmarks/FINDINGS.md")

echo "bench: running (cut at 28 minutes); report → $results"
timeout 28m dotnet tests/Myna.Benchmarks/bin/Release/net10.0/Myna.Benchmarks.dll \
    --out "$ROOT/$results" --command "$command" "${findings[@]}" "$@"
echo "bench: done; see $results"
