#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a new or empty database.
#
#   scripts/restore.sh BACKUP_FILE TARGET_DATABASE_URL
#
# TARGET_DATABASE_URL is postgres://user[:password]@host:port/name. If the
# database does not exist it is created (connecting to the server's `postgres`
# database, or $MEND_RESTORE_ADMIN_DB, as the same user). An existing database
# must be empty: this script never restores over live data. The restore runs
# in one transaction and stops at the first error, so it either completes or
# leaves the target empty. Ownership and grants from the source are dropped:
# the restored objects belong to the target URL's user.
#
# Afterwards check the copy (docs/operations.md):
#   DATABASE_URL=TARGET_DATABASE_URL .venv/bin/python manage.py migrate --check
#   DATABASE_URL=TARGET_DATABASE_URL .venv/bin/python manage.py audit_verify
set -euo pipefail

log() { echo "restore: $*" >&2; }
die() { log "$*"; exit 1; }

if ! command -v pg_restore >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$pg_bin" && -x "$pg_bin/pg_restore" ]] \
    || die "pg_restore not found (install the postgresql-client package)"
  PATH="$pg_bin:$PATH"
fi

[[ $# -eq 2 ]] || { echo "usage: $0 BACKUP_FILE TARGET_DATABASE_URL" >&2; exit 2; }
backup="$1"
target="$2"
[[ -r "$backup" ]] || die "cannot read $backup"
case "$target" in
  postgres://* | postgresql://*) ;;
  pgsql://* | postgis://*) target="postgresql://${target#*://}" ;;
  *) die "TARGET_DATABASE_URL must be a postgres:// URL" ;;
esac

pg_restore --list "$backup" >/dev/null 2>&1 || die "$backup is not a pg_dump custom-format archive"

# The database name and a URL for the same server's maintenance database.
read -r dbname admin_url < <(
  python3 - "$target" "${MEND_RESTORE_ADMIN_DB:-postgres}" <<'PY'
import sys
from urllib.parse import unquote, urlsplit, urlunsplit

url, admin_db = sys.argv[1], sys.argv[2]
parts = urlsplit(url)
name = unquote(parts.path.lstrip("/"))
if not name or " " in name:
    sys.exit("restore: the target URL must name one database (no spaces)")
print(name, urlunsplit(parts._replace(path="/" + admin_db)))
PY
)
[[ -n "$dbname" ]] || die "could not read a database name from the target URL"

admin_sql() { psql "$admin_url" --no-psqlrc --no-password -X -q -tA -v ON_ERROR_STOP=1 -v db="$dbname"; }

exists="$(echo "SELECT 1 FROM pg_database WHERE datname = :'db';" | admin_sql)"
if [[ "$exists" == 1 ]]; then
  relations="$(
    psql "$target" --no-psqlrc --no-password -X -q -tA -v ON_ERROR_STOP=1 -c \
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'"
  )"
  [[ "$relations" == 0 ]] \
    || die "database $dbname already holds $relations tables or other objects; restore into a new or empty database"
  log "restoring into the existing empty database $dbname"
else
  log "creating database $dbname"
  echo "CREATE DATABASE :\"db\" ENCODING 'UTF8' TEMPLATE template0;" | admin_sql
fi

pg_restore --no-owner --no-acl --exit-on-error --single-transaction --no-password \
  --dbname="$target" "$backup"
log "restored $backup into $dbname"
