"""`make bench`: Mend at a national scale, measured, beside the Django admin on the same data.

    SCALE=10000 make bench          # a quick run
    make bench                      # 1,000,000 cases (the default)

`BENCH_DATABASE_URL` names a database the dataset is already in (made by `python -m bench.dataset`
at the same scale): the run then measures it without making it again.

In order: a throwaway PostgreSQL (as the tests use), the schema, the synthetic dataset
(`bench.dataset`, from a seed), Mend and the peer (the Django admin, `bench.peer_settings`) each
served by gunicorn as docs/operations.md recommends, the bench staff signed in through the real
sign-in pages (password and authenticator code), each page's queries and SQL floor
(`bench.floor`), then locust, headless, at each load (one person; twenty with a two-second think
time; twenty with none), the streamed CSV export, and the workers' peak memory. The figures go to
bench/results/<date>-<scale>.json and docs/performance.md (`bench.report`)."""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
LOADS = [(1, 0.0), (20, 2.0), (20, 0.0)]
"""(people, think time in seconds): one person, a busy office, and saturation."""
SATURATED_PAGE = "case list"


def run(command: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, cwd=ROOT, check=True, text=True, **kwargs)


@contextlib.contextmanager
def database(keep: bool) -> Iterator[str]:
    """A throwaway PostgreSQL server; yields the address of an empty database on it."""
    state = ROOT / "var" / "bench-db"
    env = {**os.environ, "MEND_TEST_DB_STATE": str(state)}
    run(["bash", "scripts/test-db.sh", "start"], env, stdout=subprocess.DEVNULL)
    try:
        server = (state / "url").read_text().strip()
        import psycopg

        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS mend_bench")
            connection.execute("CREATE DATABASE mend_bench")
        yield server.rsplit("/", 1)[0] + "/mend_bench"
    finally:
        if not keep:
            run(["bash", "scripts/test-db.sh", "stop"], env)


@contextlib.contextmanager
def server(
    env: dict[str, str], settings: str, port: int, workers: int, ready: str
) -> Iterator[Any]:
    """gunicorn with the flags docs/operations.md gives (no proxy in front: plain loopback)."""
    import requests

    process = subprocess.Popen(
        [
            str(VENV / "gunicorn"),
            "mend.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--no-control-socket",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            with contextlib.suppress(requests.ConnectionError, requests.Timeout):
                if requests.get(base + ready, timeout=30).status_code < 500:
                    break
            time.sleep(0.5)
        else:
            raise SystemExit(f"{settings} did not start on port {port}")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def token(page: Any) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not found:
        raise SystemExit(f"No form on {page.url} (status {page.status_code}).")
    return found.group(1)


def submit(session: Any, page: Any, url: str, data: dict[str, str]) -> Any:
    """POST a form as a browser would: the page's CSRF token, and the page as the referrer."""
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": token(page)},
        headers={"Referer": page.url},
        timeout=30,
    )


def cookies(session: Any) -> dict[str, str]:
    return {name: value or "" for name, value in session.cookies.get_dict().items()}


def sign_in(base: str, email: str) -> dict[str, str]:
    """Through Mend's own pages: password, then the authenticator app's code."""
    import pyotp
    import requests

    from bench.loading import PASSWORD, totp_secret

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    page = submit(session, page, page.url, {"login": email, "password": PASSWORD})
    page = submit(session, page, page.url, {"code": pyotp.TOTP(totp_secret(email)).now()})
    if "/accounts/" in page.url:
        raise SystemExit(f"{email} could not sign in (ended at {page.url}).")
    return cookies(session)


def sign_in_admin(base: str, email: str, password: str) -> dict[str, str]:
    import requests

    session = requests.Session()
    page = session.get(f"{base}/admin/login/", timeout=30)
    page = submit(
        session,
        page,
        f"{base}/admin/login/?next=/admin/",
        {"username": email, "password": password},
    )
    if page.url.rstrip("/").endswith("/login"):
        raise SystemExit("The admin peer's user could not sign in.")
    return cookies(session)


def targets(
    db_url: str, people: list[tuple[str, str, dict[str, str]]], peer: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The load's users and their resolved page addresses, for Mend and for the peer."""
    import psycopg

    from bench.pages import PAGES, placeholders

    mend: list[dict[str, Any]] = []
    peer_pages: list[dict[str, Any]] = []
    peer_roles: set[str] = set()
    with psycopg.connect(db_url) as connection, connection.cursor() as cursor:
        for role, email, cookies in people:
            values = placeholders(cursor, email)
            mine = [p for p in PAGES if p.role == role]
            mend.append(
                {
                    "email": email,
                    "cookies": cookies,
                    "pages": [
                        {"name": p.name, "url": p.path.format(**values), "weight": p.weight}
                        for p in mine
                    ],
                }
            )
            if role not in peer_roles:
                # The peer asks for the same records as the first user of each role.
                peer_roles.add(role)
                peer_pages += [
                    {"name": p.name, "url": p.peer.format(**values), "weight": p.weight}
                    for p in mine
                    if p.peer
                ]
    return {"users": mend}, {"users": [{"email": "peer", "cookies": peer, "pages": peer_pages}]}


def load(
    host: str, plan: dict[str, Any], people: int, think: float, seconds: int, only: str = ""
) -> dict[str, dict[str, float]]:
    """One locust run, headless; returns per page p50, p95, p99 (ms), rps and failures."""
    users = plan["users"]
    if only:
        users = [
            {**u, "pages": [p for p in u["pages"] if p["name"] == only]}
            for u in users
            if any(p["name"] == only for p in u["pages"])
        ]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "targets.json"
        target.write_text(json.dumps({"users": users, "think_s": think, "seed": 1}))
        run(
            [
                str(VENV / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(people),
                "--spawn-rate",
                str(people),
                "--run-time",
                f"{seconds}s",
                "--host",
                host,
                "--csv",
                str(Path(folder) / "run"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            {**os.environ, "BENCH_TARGETS": str(target)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with open(Path(folder) / "run_stats.csv", encoding="utf-8") as handle:
            rows = [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]
    return {
        row["Name"]: {
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
            "rps": round(float(row["Requests/s"]), 2),
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
        }
        for row in rows
    }


def alone(host: str, plan: dict[str, Any], seconds: int) -> dict[str, dict[str, float]]:
    """One person at a time, once for each role (the first user of it), half the time each."""
    found: dict[str, dict[str, float]] = {}
    seen: set[tuple[str, ...]] = set()
    for user in plan["users"]:
        pages = tuple(p["name"] for p in user["pages"])
        if pages in seen:
            continue
        seen.add(pages)
        found.update(load(host, {"users": [user]}, 1, 0.0, max(seconds // 2, 5)))
    return found


def floors(env: dict[str, str], settings: str, plan: dict[str, Any]) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "in.json", Path(folder) / "out.json"
        source.write_text(json.dumps(plan))
        run(
            [str(VENV / "python"), "-m", "bench.floor", str(source), str(out)],
            {**env, "DJANGO_SETTINGS_MODULE": settings},
        )
        found: dict[str, dict[str, float]] = json.loads(out.read_text())
    return found


def export(base: str, cookies: dict[str, str]) -> dict[str, float]:
    """The streamed CSV of every invoice: rows a second, read to the end."""
    import requests

    began = time.perf_counter()
    rows = 0
    from bench.pages import EXPORT

    with requests.get(f"{base}{EXPORT.path}", cookies=cookies, stream=True, timeout=600) as answer:
        answer.raise_for_status()
        for _line in answer.iter_lines():
            rows += 1
    seconds = time.perf_counter() - began
    return {
        "rows": rows - 1,
        "seconds": round(seconds, 2),
        "rows_per_s": round((rows - 1) / seconds),
    }


def peak_memory_mb(process: Any) -> float:
    """The largest peak resident size (VmHWM) among the gunicorn master's workers."""
    peaks = []
    for child in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            status = (child / "status").read_text()
            if f"\nPPid:\t{process.pid}\n" in status:
                found = re.search(r"VmHWM:\s+(\d+) kB", status)
                if found:
                    peaks.append(int(found.group(1)) / 1024)
    return round(max(peaks, default=0.0), 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=int(os.environ.get("SCALE", "1000000")))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "60")))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8610)
    parser.add_argument("--keep-db", action="store_true", help="leave the database server running")
    options = parser.parse_args(argv)
    # For the authenticator secrets of the bench staff (Mend's own derivation).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mend.settings")
    import django

    django.setup()
    from bench import report
    from bench.loading import Counts
    from bench.pages import staff

    given = os.environ.get("BENCH_DATABASE_URL", "")
    with contextlib.nullcontext(given) if given else database(options.keep_db) as db_url:
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
            "DJANGO_DEBUG": "",
            "MEND_LOG_LEVEL": "ERROR",
        }
        # The peer's settings are Mend's plus the admin, so its migrations make both schemas.
        run(
            [str(VENV / "python"), "manage.py", "migrate", "--noinput", "-v0"],
            {**env, "DJANGO_SETTINGS_MODULE": "bench.peer_settings"},
        )
        began = time.monotonic()
        if not given:
            run(
                [
                    str(VENV / "python"),
                    "-m",
                    "bench.dataset",
                    "--scale",
                    str(options.scale),
                    "--seed",
                    str(options.seed),
                ],
                env,
                stdout=subprocess.DEVNULL,
            )
        # With a database made beforehand, BENCH_GENERATED_S may say how long that took.
        earlier = os.environ.get("BENCH_GENERATED_S")
        generated_s = (
            round(time.monotonic() - began, 1)
            if not given
            else (float(earlier) if earlier else None)
        )
        admin_email, admin_password = "peer-admin@bench.mend.test", "bench-peer-admin-1"
        run(
            [str(VENV / "python"), "-m", "bench.peer_user", admin_email, admin_password],
            {**env, "DJANGO_SETTINGS_MODULE": "bench.peer_settings"},
        )
        mend_base = f"http://127.0.0.1:{options.port}"
        peer_base = f"http://127.0.0.1:{options.port + 1}"
        with (
            server(env, "mend.settings", options.port, options.workers, "/healthz") as mend,
            server(
                env, "bench.peer_settings", options.port + 1, options.workers, "/admin/login/"
            ) as peer,
        ):
            people = [
                (role, email, sign_in(mend_base, email))
                for role, email in staff(Counts.at(options.scale).organisations)
            ]
            plan, peer_plan = targets(
                db_url, people, sign_in_admin(peer_base, admin_email, admin_password)
            )
            mend_floor = floors(env, "mend.settings", plan)
            peer_floor = floors(env, "bench.peer_settings", peer_plan)
            runs = [(1, 0.0, alone(mend_base, plan, options.seconds))]
            peer_runs = [(1, 0.0, load(peer_base, peer_plan, 1, 0.0, options.seconds))]
            for users, think in LOADS[1:]:
                runs.append((users, think, load(mend_base, plan, users, think, options.seconds)))
                peer_runs.append(
                    (users, think, load(peer_base, peer_plan, users, think, options.seconds))
                )
            saturated = load(mend_base, plan, 20, 0.0, options.seconds, only=SATURATED_PAGE)
            office = next(cookies for role, _e, cookies in people if role == "office")
            streamed = export(mend_base, office)
            memory = {"mend_mb": peak_memory_mb(mend), "peer_mb": peak_memory_mb(peer)}
        counts = report.row_counts(db_url)
    results = report.results(
        scale=options.scale,
        counts=counts,
        generated_s=generated_s,
        runs=runs,
        floors=mend_floor,
        peer_runs=peer_runs,
        peer_floors=peer_floor,
        saturated=saturated,
        export=streamed,
        memory=memory,
        seconds=options.seconds,
    )
    results["commit"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - the git on PATH
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=False,
    ).stdout.strip()
    path = ROOT / "bench" / "results" / f"{date.today().isoformat()}-{options.scale}.json"  # noqa: DTZ011 - the file is named by the local day
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    report.write_docs(ROOT / "bench" / "results", ROOT / "docs" / "performance.md")
    print(f"Results: {path.relative_to(ROOT)}; docs/performance.md updated.")


if __name__ == "__main__":
    main()
