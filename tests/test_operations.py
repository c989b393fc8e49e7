"""Operations as docs/operations.md describes them: deploy checks, backup and restore, gunicorn."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.db import connection
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

needs_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="backup, restore and the gunicorn check run against PostgreSQL (DATABASE_URL)",
)


def mend_env(**settings: str) -> dict[str, str]:
    """The environment of a fresh Mend process: none of this test run's Mend or Django settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MEND_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env["PYTHONPATH"] = str(REPO / "src")
    env.update(settings)
    return env


def manage(*args: str, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def production_settings(**overrides: str) -> dict[str, str]:
    settings = {
        "MEND_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "MEND_FIELD_KEYS": Fernet.generate_key().decode(),
        "DJANGO_ALLOWED_HOSTS": "mend.example.org",
    }
    settings.update(overrides)
    return {key: value for key, value in settings.items() if value}


def database_url(name: str | None = None) -> str:
    """A libpq URL for the test database (or another database on the same server)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host, port = db["HOST"] or "localhost", db["PORT"] or "5432"
    dbname = quote(name or db["NAME"], safe="")
    if host.startswith("/"):
        return f"postgresql://{credentials}@/{dbname}?host={quote(host, safe='')}&port={port}"
    return f"postgresql://{credentials}@{host}:{port}/{dbname}"


# ---------------------------------------------------------------- production settings


def test_production_settings_pass_the_deployment_check_without_warnings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=mend_env(**production_settings())
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "MEND_FIELD_KEYS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    result = manage("check", env=mend_env(**production_settings(**{missing: ""})))

    assert result.returncode != 0
    assert f"{missing} must be set when MEND_PRODUCTION is on" in result.stderr


# ---------------------------------------------------------------- backup and restore


def run_script(name: str, *args: str, database_url: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(REPO / "scripts" / name), *args],
        cwd=REPO,
        env=mend_env(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )


def drop_database(name: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_new_database_with_the_audit_trail_intact(tmp_path):
    from mend.core import actions
    from mend.core.models import AuditEvent
    from mend.core.roles import Role
    from mend.core.tests_support import make_member

    organisation = actions.create_organisation(
        name="Backup Restorative Service", name_cy="Gwasanaeth Adferol", slug="backup-service"
    )
    make_member(organisation, Role.ADMINISTRATOR, "admin@backup.example.test")
    chain = f"org:{organisation.pk}"
    last = AuditEvent.objects.filter(chain=chain).latest("sequence")
    event_count = AuditEvent.objects.count()
    assert last.sequence >= 2  # organisation created, then a member added

    backup = run_script("backup.sh", str(tmp_path), database_url=database_url())
    assert backup.returncode == 0, backup.stderr
    backup_file = Path(backup.stdout.strip())
    assert backup_file.parent == tmp_path
    assert re.fullmatch(r"mend-.+-\d{8}T\d{6}Z\.dump", backup_file.name)
    assert backup_file.stat().st_mode & 0o077 == 0, "backups must be readable by their owner only"

    restored_name = f"{connection.settings_dict['NAME']}_restored_{secrets.token_hex(4)}"
    restored_url = database_url(restored_name)
    try:
        restore = run_script("restore.sh", str(backup_file), restored_url)
        assert restore.returncode == 0, restore.stderr

        with psycopg.connect(restored_url) as restored:
            assert restored.execute(
                "SELECT name, name_cy FROM core_organisation WHERE slug = %s", ["backup-service"]
            ).fetchall() == [("Backup Restorative Service", "Gwasanaeth Adferol")]
            assert restored.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] == (
                event_count
            )
            assert restored.execute(
                "SELECT sequence, hash FROM core_auditchainhead WHERE chain = %s", [chain]
            ).fetchone() == (last.sequence, last.hash)
            assert restored.execute(
                "SELECT count(*) FROM core_membership m JOIN core_user u ON u.id = m.user_id "
                "WHERE u.email = %s",
                ["admin@backup.example.test"],
            ).fetchone() == (1,)

        verify = manage("audit_verify", env=mend_env(DATABASE_URL=restored_url))
        assert verify.returncode == 0, verify.stderr
        assert f"Audit log verified: {event_count} events, every chain intact." in verify.stdout

        again = run_script("restore.sh", str(backup_file), restored_url)
        assert again.returncode != 0
        assert "restore into a new or empty database" in again.stderr
    finally:
        drop_database(restored_name)


# ---------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(tmp_path: Path, database: str):
    """Serve Mend with gunicorn as docs/operations.md does; always stop it again."""
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "mend.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "20",
            # gunicorn's control socket lives in $HOME by default: parallel tests would share it.
            "--no-control-socket",
        ],
        cwd=REPO,
        env=mend_env(DATABASE_URL=database),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                pytest.fail("gunicorn exited:\n" + (tmp_path / "gunicorn.log").read_text())
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not listen within 10 s")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        log.close()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@needs_postgresql
@pytest.mark.django_db
def test_gunicorn_serves_healthz_with_the_database_reachable(tmp_path):
    with gunicorn(tmp_path, database_url()) as base:
        status, headers, body = get(base + "/healthz")

    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"status": "ok", "database": "ok"}


def test_gunicorn_healthz_reports_503_when_the_database_is_down(tmp_path):
    nobody_listens = f"postgresql://postgres@127.0.0.1:{free_port()}/mend"

    with gunicorn(tmp_path, nobody_listens) as base:
        status, _headers, body = get(base + "/healthz")

    assert status == 503
    assert json.loads(body) == {"status": "unavailable", "database": "unreachable"}


def test_postgresql_connections_run_without_jit(db):
    """JIT compiling costs Mend's short queries more than it saves (MEND_PG_JIT=on restores it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_production_processes_share_one_cache_in_the_database():
    """Two app servers (here two processes) see one cache: what one stores, the other reads."""
    env = mend_env(**production_settings(DATABASE_URL=database_url()))
    made = manage("createcachetable", env=env)
    assert made.returncode == 0, made.stderr
    store = "from django.core.cache import cache; cache.set('mend:shared', 'server one', 60)"
    read = "from django.core.cache import cache; print(cache.get('mend:shared'))"
    assert manage("shell", "-c", store, env=env).returncode == 0
    assert manage("shell", "-c", read, env=env).stdout.splitlines()[-1] == "server one"
