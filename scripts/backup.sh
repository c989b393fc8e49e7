#!/usr/bin/env bash
# Back up Mend's PostgreSQL database with pg_dump (custom format, compressed).
#
#   DATABASE_URL=postgres://... scripts/backup.sh [FILE_OR_DIRECTORY]
#
# Without an argument the backup goes to var/backups/; given a directory, into
# that directory; given any other path, to exactly that file. Directory backups
# are named mend-<database>-<UTC timestamp>.dump. The file is written under a
# temporary name, checked with `pg_restore --list`, then moved into place, so a
# failed or interrupted backup never leaves a file that looks complete. The
# path of the backup is printed on standard output.
#
# Backups contain personal data (encrypted fields stay encrypted: keep
# MEND_FIELD_KEYS safe and separate, a restore needs them). Files are created
# readable by their owner only.
#
# Restore with scripts/restore.sh (into a new, empty database).
set -euo pipefail
umask 077

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { echo "backup: $*" >&2; }
die() { log "$*"; exit 1; }

# Debian's /usr/bin/pg_dump (postgresql-client) is preferred; otherwise use the
# newest server installation's binaries.
if ! command -v pg_dump >/dev/null 2>&1; then
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$pg_bin" && -x "$pg_bin/pg_dump" ]] \
    || die "pg_dump not found (install the postgresql-client package)"
  PATH="$pg_bin:$PATH"
fi

[[ $# -le 1 ]] || { echo "usage: $0 [FILE_OR_DIRECTORY]" >&2; exit 2; }
[[ -n "${DATABASE_URL:-}" ]] || die "DATABASE_URL is not set (SQLite: see docs/operations.md)"

# libpq understands postgres:// and postgresql://; dj-database-url also accepts
# other spellings of the scheme.
url="$DATABASE_URL"
case "$url" in
  postgres://* | postgresql://*) ;;
  pgsql://* | postgis://*) url="postgresql://${url#*://}" ;;
  *) die "DATABASE_URL is not a PostgreSQL URL" ;;
esac

dbname="${url%%\?*}"
dbname="${dbname##*/}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="${1:-$ROOT/var/backups}"
if [[ -d "$target" || "$target" == */ || $# -eq 0 ]]; then
  mkdir -p "$target"
  target="${target%/}/mend-${dbname:-db}-$stamp.dump"
fi
[[ -e "$target" ]] && die "$target already exists; not overwriting it"

tmp="$target.partial"
trap 'rm -f -- "$tmp"' EXIT
log "dumping ${dbname:-database} to $target"
pg_dump --format=custom --compress=6 --no-password --file="$tmp" "$url"
pg_restore --list "$tmp" >/dev/null || die "the dump in $tmp cannot be read back"
mv -- "$tmp" "$target"
trap - EXIT
log "done ($(du -h "$target" | cut -f1))"
echo "$target"
