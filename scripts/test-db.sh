#!/usr/bin/env bash
# Throwaway PostgreSQL server for the test suite.
#
#   scripts/test-db.sh start   # start a fresh server, print its DATABASE_URL
#   scripts/test-db.sh stop    # stop it and delete its data
#   scripts/test-db.sh url     # print the DATABASE_URL of the running server
#   scripts/test-db.sh replica # start a streaming read replica of the running server,
#                              # print its URL (MEND_REPLICA_DATABASE_URL); stop stops both
#
# The server uses the machine's PostgreSQL binaries (newest version under
# /usr/lib/postgresql/, or $PG_BIN), keeps its data in a temporary directory,
# listens on a unix socket in that directory and on 127.0.0.1:<free port>, and
# trades durability for speed (fsync, full_page_writes, synchronous_commit off).
#
# State lives in var/test-db/: `dir` (the temporary directory) and `url`
# (postgres://postgres@127.0.0.1:PORT/postgres); a replica's in `replica-dir` and `replica-url`.
#
# initdb/postgres refuse to run as root, so when run as root the directory is
# owned by the `postgres` system user (created if missing) and the server
# commands run through `runuser -u postgres --`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${MEND_TEST_DB_STATE:-$ROOT/var/test-db}"
DIR_FILE="$STATE_DIR/dir"
URL_FILE="$STATE_DIR/url"
REPLICA_DIR_FILE="$STATE_DIR/replica-dir"
REPLICA_URL_FILE="$STATE_DIR/replica-url"
PG_USER_SYSTEM=postgres

log() { echo "test-db: $*" >&2; }
die() { log "$*"; exit 1; }

find_pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" ]] || die "PG_BIN=$PG_BIN has no initdb"
    echo "$PG_BIN"; return
  fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$d" && -x "$d/initdb" ]]; then echo "$d"; return; fi
  if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    pg_config --bindir; return
  fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  die "no PostgreSQL server binaries found (install the 'postgresql' package: make system-deps)"
}

is_root() { [[ "$(id -u)" == 0 ]]; }

ensure_pg_user() {
  is_root || return 0
  if ! id -u "$PG_USER_SYSTEM" >/dev/null 2>&1; then
    log "creating system user $PG_USER_SYSTEM"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$PG_USER_SYSTEM"
  fi
}

# Run a server command as the unprivileged owner, from inside the data area so
# an unreadable current directory (e.g. /root) does not matter.
as_owner() {
  local workdir="$1"; shift
  if is_root; then
    (cd "$workdir" && runuser -u "$PG_USER_SYSTEM" -- "$@")
  else
    (cd "$workdir" && "$@")
  fi
}

port_free() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

pick_port() {
  local p="${MEND_TEST_DB_PORT:-55432}" tries=0
  while ! port_free "$p"; do
    p=$((p + 1)); tries=$((tries + 1))
    (( tries < 200 )) || die "no free port found from ${MEND_TEST_DB_PORT:-55432}"
  done
  echo "$p"
}

# Mend's settings for a server in directory $1 on port $2, with any more lines in $3.
write_conf() {
  local dir="$1" port="$2" more="${3:-}"
  as_owner "$dir" sh -c "cat >'$dir/data/postgresql.mend.conf'" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
full_page_writes = off
synchronous_commit = off
shared_buffers = 128MB
logging_collector = off
$more
CONF
}

do_stop() {
  stop_server "$REPLICA_DIR_FILE" "$REPLICA_URL_FILE"
  stop_server "$DIR_FILE" "$URL_FILE"
}

# Stop the server whose directory is named in $1 and delete it and its state files ($1, $2).
stop_server() {
  local dir_file="$1" url_file="$2" dir=""
  [[ -f "$dir_file" ]] && dir="$(cat "$dir_file")"
  if [[ -n "$dir" && -d "$dir" ]]; then
    local bin; bin="$(find_pg_bin)"
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      log "stopping server in $dir"
      if ! as_owner "$dir" "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1; then
        # pg_ctl failed (e.g. half-started server): kill the postmaster by pid.
        local pid; pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
        if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
          kill -QUIT "$pid" 2>/dev/null || true
          for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
          kill -KILL "$pid" 2>/dev/null || true
        fi
      fi
    fi
    rm -rf -- "$dir"
  fi
  rm -f -- "$dir_file" "$url_file"
}

do_start() {
  local bin; bin="$(find_pg_bin)"
  mkdir -p "$STATE_DIR"
  # Leftover from an earlier (crashed) run: stop it and start afresh.
  if [[ -f "$DIR_FILE" ]]; then
    log "cleaning up leftover server"
    do_stop
  fi
  ensure_pg_user

  local dir; dir="$(mktemp -d "${TMPDIR:-/tmp}/mend-test-db.XXXXXX")"
  echo "$dir" >"$DIR_FILE"
  chmod 700 "$dir"
  if is_root; then chown "$PG_USER_SYSTEM:" "$dir"; fi

  as_owner "$dir" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync \
    -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; do_stop; die "initdb failed"; }

  local port attempt
  for attempt in 1 2 3; do
    port="$(pick_port)"
    # Later settings in postgresql.conf win, so rewrite the Mend block each try.
    write_conf "$dir" "$port"
    if ! grep -q "^include 'postgresql.mend.conf'" "$dir/data/postgresql.conf"; then
      as_owner "$dir" sh -c "echo \"include 'postgresql.mend.conf'\" >>'$dir/data/postgresql.conf'"
    fi
    if as_owner "$dir" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
      local url="postgres://postgres@127.0.0.1:$port/postgres"
      echo "$url" >"$URL_FILE"
      log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running in $dir"
      echo "$url"
      return 0
    fi
    log "start attempt $attempt on port $port failed:"
    tail -n 20 "$dir/server.log" >&2 || true
    as_owner "$dir" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    export MEND_TEST_DB_PORT=$((port + 1))
  done
  do_stop
  die "could not start PostgreSQL"
}

# A hot standby of the running server, copied by pg_basebackup and kept up to date by streaming
# replication (initdb's pg_hba already trusts replication connections from 127.0.0.1).
do_replica() {
  local bin; bin="$(find_pg_bin)"
  [[ -f "$URL_FILE" ]] || die "no server running (start one first)"
  local primary_port; primary_port="$(sed -E 's#.*:([0-9]+)/.*#\1#' "$URL_FILE")"
  stop_server "$REPLICA_DIR_FILE" "$REPLICA_URL_FILE"
  local dir; dir="$(mktemp -d "${TMPDIR:-/tmp}/mend-test-replica.XXXXXX")"
  echo "$dir" >"$REPLICA_DIR_FILE"
  chmod 700 "$dir"
  if is_root; then chown "$PG_USER_SYSTEM:" "$dir"; fi
  as_owner "$dir" "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
    -D "$dir/data" -R -X stream --no-sync >"$dir/basebackup.log" 2>&1 \
    || { cat "$dir/basebackup.log" >&2; die "pg_basebackup failed"; }
  local port; port="$(MEND_TEST_DB_PORT=$((primary_port + 1)) pick_port)"
  write_conf "$dir" "$port" "hot_standby = on
wal_receiver_status_interval = 1s"
  as_owner "$dir" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$dir/server.log" >&2; die "could not start the replica"; }
  local url="postgres://postgres@127.0.0.1:$port/postgres"
  echo "$url" >"$REPLICA_URL_FILE"
  log "replica of port $primary_port running in $dir"
  echo "$url"
}

case "${1:-}" in
  start) do_start ;;
  replica) do_replica ;;
  stop) do_stop ;;
  url) [[ -f "$URL_FILE" ]] && cat "$URL_FILE" || die "not running" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
