#!/usr/bin/env bash
# Runs every test against real PostgreSQL and Azurite, which it starts itself (and stops again if it
# started them). Prints "N passed, N failed" from the test results and exits non-zero on any failure.
#
# Then the reference portal's checks (deploy/portal-test.sh: the OpenAPI lint, the typed client built from the live
# document, the browser tests in Debian's Chromium), whose counts join the total.
#
# Usage: deploy/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Grains]
#        (with arguments, only the .NET tests run; MYNA_SKIP_PORTAL=1 skips the portal's checks too)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# The shared test server needs no WAL archive (the restore drill runs a server of its own, with one).
export MYNA_PG_ARCHIVE="${MYNA_PG_ARCHIVE:-off}"
# shellcheck source=local/env.sh
. deploy/local/env.sh

started_infra=0
if ! deploy/local/infra.sh status >/dev/null 2>&1; then
    started_infra=1
fi
cleanup() {
    if [[ $started_infra -eq 1 ]]; then
        deploy/local/infra.sh down >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

deploy/local/infra.sh up
deploy/local/postgres.sh createdb myna_test

export MYNA_TEST_POSTGRES
MYNA_TEST_POSTGRES="$(myna_pg_conn myna_test)"
export MYNA_TEST_AZURE_STORAGE="$MYNA_AZURE_STORAGE"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results="$MYNA_STATE_DIR/test-results"
rm -rf "$results"
mkdir -p "$results"

set +e
dotnet test Myna.Orleans.sln --nologo --logger "trx" --logger "console;verbosity=normal" \
    --results-directory "$results" "$@"
rc=$?
portal_passed=0
portal_failed=0
if [[ $# -eq 0 && "${MYNA_SKIP_PORTAL:-0}" != "1" ]]; then
    rm -f "$MYNA_STATE_DIR/portal-counts"
    deploy/portal-test.sh
    portal_rc=$?
    read -r portal_passed portal_failed <"$MYNA_STATE_DIR/portal-counts" 2>/dev/null || true
    if [[ $portal_rc -ne 0 ]]; then
        rc=$portal_rc
        if [[ ${portal_failed:-0} -eq 0 ]]; then
            portal_failed=1
        fi
    fi
fi
set -e

# Sum the counters of every TRX file (one per test project).
passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0}))
done
trx_count=$(find "$results" -maxdepth 1 -name '*.trx' | wc -l)
passed=$((passed + ${portal_passed:-0}))
failed=$((failed + ${portal_failed:-0}))
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
    # The build or a test host failed before any result was written: count that as a failure.
    failed=1
fi
if [[ $trx_count -eq 0 && $rc -eq 0 ]]; then
    echo "no test results were written" >&2
    rc=1
    failed=1
fi
if [[ $failed -ne 0 ]] && command -v python3 >/dev/null 2>&1; then
    python3 deploy/local/trx-failures.py "$results"/*.trx || true
fi
echo "$passed passed, $failed failed"
exit "$rc"
