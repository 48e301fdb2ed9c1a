#!/usr/bin/env bash
# Takes a backup of what Myna.Orleans cannot rebuild:
#   1. PostgreSQL (the events, the number reservations, every index): a base backup with pg_basebackup. With the
#      continuous WAL archive (on by default, see deploy/local/env.sh) it allows recovery to any later moment.
#   2. Azure Storage: the per-person keys with their tombstones, the reminders and the integrity checkpoints,
#      exported by the silo (each part records the moment it was read). Snapshots are caches and are not exported.
#   The forward-only journal (number reservations, key destructions) is not backed up here: it is the copy kept
#   apart, in production in an immutable (WORM) container of its own, and deploy/restore.sh replays it.
#
# Usage: deploy/backup.sh          writes $MYNA_BACKUP_DIR/base/<stamp>/ and $MYNA_BACKUP_DIR/storage/<stamp>/
# Prints the backup's stamp and where it is. The server and Azurite must be running (deploy/local/infra.sh up).
set -euo pipefail
# shellcheck source=local/recovery.sh
. "$(dirname "${BASH_SOURCE[0]}")/local/recovery.sh" backup

deploy/local/postgres.sh status >/dev/null || die "PostgreSQL on port $MYNA_PG_PORT is not running"
[[ "$MYNA_PG_ARCHIVE" == "on" ]] || log "warning: WAL archiving is off (MYNA_PG_ARCHIVE=$MYNA_PG_ARCHIVE): this backup restores only to its own end"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
started="$(date -u +%s)"
pg_owned_dir "$MYNA_BACKUP_DIR/base"
base="$MYNA_BACKUP_DIR/base/$stamp"
[[ ! -e "$base" ]] || die "$base exists already"
log "base backup of 127.0.0.1:$MYNA_PG_PORT into $base"
as_pg "$MYNA_PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$MYNA_PG_PORT" -U postgres -D "$base" -Fp -X stream -c fast
# Point-in-time recovery can only target moments after the base backup ended.
finished="$(date -u +%s)"
printf '{"stamp":"%s","startedEpoch":%s,"finishedEpoch":%s,"port":%s}\n' "$stamp" "$started" "$finished" "$MYNA_PG_PORT" \
    > "$MYNA_BACKUP_DIR/base/$stamp.json"

log "exporting Azure Storage state into $MYNA_BACKUP_DIR/storage/$stamp"
mkdir -p "$MYNA_BACKUP_DIR/storage"
silo_command storage-export "$MYNA_BACKUP_DIR/storage/$stamp" > "$MYNA_BACKUP_DIR/storage/$stamp.json"

log "done in $(( $(date -u +%s) - started )) s"
echo "$stamp"
