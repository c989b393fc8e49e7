#!/usr/bin/env bash
# Run Mend's checks and test suite.
#
#   scripts/run-tests.sh [extra pytest args...]
#
# If DATABASE_URL is unset, a throwaway PostgreSQL and a streaming read replica of it
# (MEND_REPLICA_DATABASE_URL, for tests/test_replicas.py) are started with
# scripts/test-db.sh and always stopped again on exit. Steps run in order and
# stop at the first failure: ruff, lint-imports (architecture contracts in
# pyproject.toml), mypy, makemigrations --check, manage.py check, pytest. The exit status is pytest's (exit code 5, "no tests collected",
# counts as a failure).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PY="$ROOT/.venv/bin/python"
[[ -x "$PY" ]] || { echo "run-tests: $PY missing (run: make venv)" >&2; exit 1; }

if [[ -z "${DATABASE_URL:-}" ]]; then
  trap 'bash "$ROOT/scripts/test-db.sh" stop || true' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bash "$ROOT/scripts/test-db.sh" start >/dev/null
  DATABASE_URL="$(cat "$ROOT/var/test-db/url")"
  MEND_REPLICA_DATABASE_URL="$(bash "$ROOT/scripts/test-db.sh" replica)"
  export MEND_REPLICA_DATABASE_URL
fi
export DATABASE_URL
# Playwright's sync API runs an event loop in the test thread.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export PYTHONDONTWRITEBYTECODE="${PYTHONDONTWRITEBYTECODE:-1}"

step() { echo "==> $*" >&2; }

step "ruff check src tests bench"
"$ROOT/.venv/bin/ruff" check src tests bench

step "ruff format --check src tests bench"
"$ROOT/.venv/bin/ruff" format --check src tests bench

# The checkout's own src/ (not whichever tree the venv was installed from) for both.
step "lint-imports"
PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}" "$ROOT/.venv/bin/lint-imports" --no-cache

step "mypy"
PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}" "$ROOT/.venv/bin/mypy"

step "makemigrations --check --dry-run"
"$PY" manage.py makemigrations --check --dry-run

step "manage.py check"
"$PY" manage.py check

step "pytest -n 2 $*"
status=0
"$ROOT/.venv/bin/pytest" -n 2 "$@" || status=$?
if [[ "$status" -eq 5 ]]; then
  echo "run-tests: pytest collected no tests; treating as failure" >&2
fi
exit "$status"
