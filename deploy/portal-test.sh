#!/usr/bin/env bash
# The reference portal's checks, against a real silo and API on the local PostgreSQL and Azurite:
#   1. the OpenAPI document served by the running API passes `redocly lint` (recommended rules, no telemetry);
#   2. the typed client is generated from that live document and the portal type-checks and builds against it;
#   3. the browser tests run in Debian's Chromium (installed here when missing; nothing downloads a browser).
# Each of 1 and 2 counts as one test. Prints "portal: N passed, N failed" and writes "N N" to $MYNA_STATE_DIR/portal-counts.
# Called by deploy/test.sh; runs on its own too (it starts the stores if they are down, and stops what it started).
#
# Environment: MYNA_PORTAL_API_URL (http://127.0.0.1:5180), MYNA_PORTAL_SCREENSHOTS (a directory: screenshots of every page).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
export MYNA_PG_ARCHIVE="${MYNA_PG_ARCHIVE:-off}"
# shellcheck source=local/env.sh
. deploy/local/env.sh
# shellcheck source=local/system.sh
. deploy/local/system.sh

API_URL="${MYNA_PORTAL_API_URL:-http://127.0.0.1:5180}"
LOGS="$MYNA_STATE_DIR/portal-test"
PORTAL="$ROOT/api/Myna.Portal"
COUNTS="$MYNA_STATE_DIR/portal-counts"
mkdir -p "$LOGS"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 REDOCLY_TELEMETRY=off NO_UPDATE_NOTIFIER=1 npm_config_update_notifier=false

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAILED: $1" >&2; }

started_infra=0
if ! deploy/local/infra.sh status >/dev/null 2>&1; then
    started_infra=1
fi
cleanup() {
    myna_system_stop
    if [[ $started_infra -eq 1 ]]; then
        deploy/local/infra.sh down >/dev/null 2>&1 || true
    fi
    echo "$passed $failed" >"$COUNTS"
    echo "portal: $passed passed, $failed failed"
}
trap cleanup EXIT

if ! command -v chromium >/dev/null 2>&1; then
    if [[ "$(id -u)" -ne 0 ]]; then
        echo "Chromium is missing: apt-get install chromium fonts-noto-cjk (as root)" >&2
        exit 1
    fi
    echo "installing Debian's chromium…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) \
        >"$LOGS/apt.log" 2>&1 || { echo "apt-get install chromium failed; see $LOGS/apt.log" >&2; exit 1; }
fi

deploy/local/infra.sh up >/dev/null
deploy/local/postgres.sh createdb myna_portal_test >/dev/null
echo "building…"
dotnet build Myna.Orleans.sln --nologo -v quiet -clp:ErrorsOnly >"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log" >&2; exit 1; }
(cd "$PORTAL" && npm ci --no-audit --no-fund --loglevel=error) >"$LOGS/npm.log" 2>&1 || { cat "$LOGS/npm.log" >&2; exit 1; }

myna_system_start Debug myna_portal_test "$API_URL" 11211 30100 8181 "$LOGS" "$PORTAL/dist"
export MYNA_OPENAPI_URL="$API_URL/openapi/v1.json"

if (cd "$PORTAL" && npx redocly lint --extends recommended --format stylish "$MYNA_OPENAPI_URL") >"$LOGS/redocly.log" 2>&1; then
    pass "redocly lint of $MYNA_OPENAPI_URL ($(grep -Eo 'Woohoo|[0-9]+ warnings?' "$LOGS/redocly.log" | head -1))"
else
    tail -n 40 "$LOGS/redocly.log" >&2
    fail "redocly lint of $MYNA_OPENAPI_URL (see $LOGS/redocly.log)"
fi

if (cd "$PORTAL" && npm run --silent generate && npm run --silent build) >"$LOGS/portal-build.log" 2>&1; then
    pass "the typed client generated from the live document; the portal type-checks and builds"
else
    cat "$LOGS/portal-build.log" >&2
    fail "the portal does not build against the live OpenAPI document"
    exit 1
fi

export MYNA_API_URL="$API_URL" MYNA_CLI="dotnet $ROOT/api/Myna.Cli/bin/Debug/net10.0/myna.dll"
set +e
(cd "$PORTAL" && node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$LOGS/browser.tap" tests/)
set -e
p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$LOGS/browser.tap" | tail -n 1)
f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$LOGS/browser.tap" | tail -n 1)
c=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$LOGS/browser.tap" | tail -n 1)
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0} + ${c:-0}))
if [[ -z "$p" ]]; then
    fail "the browser tests wrote no results"
fi
[[ $failed -eq 0 ]]
