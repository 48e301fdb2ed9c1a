#!/usr/bin/env bash
# Restores Myna.Orleans from deploy/backup.sh's backups, then makes the restored state safe to serve:
#   1. PostgreSQL: the latest base backup that ended before the target, then the archived WAL replayed up to
#      --to TIME (or to the end of the archive). The current data directory is moved aside, never deleted.
#   2. With --storage: the Azure Storage export taken at or before the target is imported; it only adds rows that
#      are missing (what is there is newer) and never overwrites one.
#   3. The silo's restore-check: the forward-only journal is replayed (every number reserved since stays reserved,
#      every key destroyed since stays destroyed), the run is recorded as an event, the hash chains are verified
#      against the latest checkpoint, and the report names exactly which streams lost which versions. It is printed
#      and kept in $MYNA_BACKUP_DIR/reports/. A silo does the same reconciliation again before it accepts commands.
#
# Usage: deploy/restore.sh [--to TIME] [--storage]
#          TIME: ISO 8601, e.g. 2026-12-05T20:15:00Z
# Stop every silo first. Exits non-zero if a chain is damaged beyond what the restore lost.
set -euo pipefail
# shellcheck source=local/recovery.sh
. "$(dirname "${BASH_SOURCE[0]}")/local/recovery.sh" restore

target=""
storage=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --to) target="${2:?--to needs a time}"; shift 2 ;;
        --storage) storage=1; shift ;;
        *) die "unknown argument '$1' (usage: deploy/restore.sh [--to TIME] [--storage])" ;;
    esac
done
began="$(date -u +%s.%N)"
target_epoch=""
if [[ -n "$target" ]]; then
    target_epoch="$(epoch_of "$target")" || die "--to '$target' is not a time"
fi

# The latest base backup that ended before the target (any, without one).
base=""
for info in $(ls -1 "$MYNA_BACKUP_DIR"/base/*.json 2>/dev/null | sort -r); do
    finished="$(sed -n 's/.*"finishedEpoch":\([0-9]*\).*/\1/p' "$info")"
    if [[ -z "$target_epoch" || "$finished" -le "$target_epoch" ]]; then
        base="${info%.json}"
        break
    fi
done
[[ -n "$base" && -d "$base" ]] || die "no base backup in $MYNA_BACKUP_DIR/base ended before ${target:-now}"
log "base backup $(basename "$base"), WAL archive $MYNA_PG_WAL_ARCHIVE, target ${target:-the end of the archive}"

deploy/local/postgres.sh stop >&2
if [[ -e "$MYNA_PG_DATA" ]]; then
    aside="$MYNA_PG_DATA.replaced-$(date -u +%Y%m%dT%H%M%SZ)"
    log "moving the current data directory aside to $aside"
    mv "$MYNA_PG_DATA" "$aside"
fi
pg_owned_dir "$(dirname "$MYNA_PG_DATA")"
cp -a "$base" "$MYNA_PG_DATA"
copied="$(date -u +%s.%N)"
if [[ "$(id -u)" -eq 0 ]]; then chown -R "$PG_OS_USER:" "$MYNA_PG_DATA"; fi
chmod 700 "$MYNA_PG_DATA"
{
    echo "# Written by deploy/restore.sh for this recovery."
    echo "restore_command = 'gunzip -c $MYNA_PG_WAL_ARCHIVE/%f.gz > %p'"
    if [[ -n "$target" ]]; then
        echo "recovery_target_time = '$(date -u -d "@$target_epoch" '+%Y-%m-%d %H:%M:%S')+00'"
    fi
    echo "recovery_target_action = 'promote'"
} | as_pg tee "$MYNA_PG_DATA/myna-recovery.conf" >/dev/null
echo "include_if_exists = 'myna-recovery.conf'" | as_pg tee -a "$MYNA_PG_DATA/postgresql.conf" >/dev/null
as_pg touch "$MYNA_PG_DATA/recovery.signal"

deploy/local/postgres.sh start >&2
for _ in $(seq 600); do
    state="$("$MYNA_PG_BIN/psql" -X -At -h 127.0.0.1 -p "$MYNA_PG_PORT" -U postgres -d postgres -c 'select pg_is_in_recovery()' 2>/dev/null || true)"
    [[ "$state" == "f" ]] && break
    deploy/local/postgres.sh status >/dev/null 2>&1 || die "PostgreSQL stopped during recovery (a target after the archive's end?); see its log"
    sleep 1
done
[[ "${state:-}" == "f" ]] || die "PostgreSQL still in recovery after 600 s"
recovered="$(date -u +%s.%N)"
log "PostgreSQL recovered and promoted"

if [[ $storage -eq 1 ]]; then
    export_dir=""
    for info in $(ls -1 "$MYNA_BACKUP_DIR"/storage/*.json 2>/dev/null | sort -r); do
        stamp="$(basename "${info%.json}")"
        if [[ -z "$target_epoch" || "$(epoch_of "$(sed -E 's/^([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z$/\1-\2-\3T\4:\5:\6Z/' <<<"$stamp")")" -le "$target_epoch" ]]; then
            export_dir="${info%.json}"
            break
        fi
    done
    [[ -n "$export_dir" ]] || die "no Azure Storage export in $MYNA_BACKUP_DIR/storage taken before ${target:-now}"
    log "importing Azure Storage export $(basename "$export_dir") (missing rows only)"
    silo_command storage-import "$export_dir" >&2
fi

mkdir -p "$MYNA_BACKUP_DIR/reports"
report="$MYNA_BACKUP_DIR/reports/restore-$(date -u +%Y%m%dT%H%M%SZ).json"
set +e
silo_command restore-check > "$report"
rc=$?
set -e
finished="$(date -u +%s.%N)"
cat "$report"
log "report: $report"
awk -v b="$began" -v c="$copied" -v r="$recovered" -v f="$finished" \
    'BEGIN { printf "restore: timings: copy %.1f s, recovery %.1f s, postgres %.1f s, reconciliation and verification %.1f s, total %.1f s\n", c - b, r - c, r - b, f - r, f - b }' >&2
[[ $rc -eq 0 ]] || die "restore-check exited $rc: a chain is damaged beyond what the restore lost (see the report)"
