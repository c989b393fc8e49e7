"""The benchmark's results file and docs/performance.md, written from the runs' figures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

Run = tuple[int, float, dict[str, dict[str, float]]]

TABLES = {
    "cases": "cases_case",
    "parties": "cases_party",
    "people": "people_person",
    "activities": "cases_activity",
    "tasks": "cases_task",
    "allocations": "cases_allocation",
    "consents": "cases_consent",
    "assessments": "cases_assessment",
    "letters": "cases_letter",
    "feedback_requests": "cases_feedbackrequest",
    "invoices": "training_invoice",
    "organisations": "core_organisation",
    "staff": "core_membership",
}


def row_counts(db_url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(db_url) as connection:
        return {
            name: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
            for name, table in TABLES.items()
        }


def rows(runs: list[Run], floors: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    """One row per page and load (the peer's pages carry their Mend page's name)."""
    found = []
    for users, think, pages in runs:
        for page, figures in pages.items():
            floor = floors.get(page, {})
            found.append(
                {
                    "page": page,
                    "users": users,
                    "think_s": think,
                    "p50_ms": figures["p50_ms"],
                    "p95_ms": figures["p95_ms"],
                    "p99_ms": figures["p99_ms"],
                    "rps": figures["rps"],
                    "queries": floor.get("queries"),
                    "floor_ms": floor.get("floor_ms"),
                    "requests": figures["requests"],
                    "failures": figures["failures"],
                }
            )
    return found


def results(
    *,
    scale: int,
    counts: dict[str, int],
    generated_s: float | None,
    runs: list[Run],
    floors: dict[str, dict[str, float]],
    peer_runs: list[Run],
    peer_floors: dict[str, dict[str, float]],
    saturated: dict[str, dict[str, float]],
    export: dict[str, float],
    memory: dict[str, float],
    seconds: int,
) -> dict[str, Any]:
    return {
        "date": date.today().isoformat(),  # noqa: DTZ011 - the local day of the run
        "scale": {"requested_cases": scale, **counts},
        "generated_s": generated_s,
        "seconds_per_load": seconds,
        "pages": rows(runs, floors),
        "floors": floors,
        "baseline": rows(peer_runs, peer_floors),
        "saturated_case_list": rows([(20, 0.0, saturated)], floors),
        "export": export,
        "memory": memory,
    }


def _figure(value: Any, unit: str = "") -> str:
    return "–" if value is None else f"{value:g}{unit}"


def table(result: dict[str, Any]) -> list[str]:
    """Per page: latency at each load, queries, floor and the ratios the targets speak of."""
    by_page: dict[str, dict[tuple[int, float], dict[str, Any]]] = {}
    for row in result["pages"]:
        by_page.setdefault(row["page"], {})[(row["users"], row["think_s"])] = row
    peer: dict[str, dict[tuple[int, float], dict[str, Any]]] = {}
    for row in result["baseline"]:
        peer.setdefault(row["page"], {})[(row["users"], row["think_s"])] = row
    lines = [
        "| Page | 1 person p50 / p95 | 20 people, 2 s think: p50 / p95 / p99 | saturated p95, rps "
        "| queries | SQL floor | page ÷ floor | admin peer p95 (20, 2 s) | peer ÷ Mend |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for page, loads in by_page.items():
        one, busy, full = (
            loads.get((1, 0.0), {}),
            loads.get((20, 2.0), {}),
            loads.get((20, 0.0), {}),
        )
        floor = result.get("floors", {}).get(page, {}).get("floor_ms")
        queries = result.get("floors", {}).get(page, {}).get("queries")
        ratio = f"{one['p50_ms'] / floor:.1f}" if floor and one.get("p50_ms") else "–"
        other = peer.get(page, {}).get((20, 2.0))
        versus = f"{other['p95_ms'] / busy['p95_ms']:.1f}×" if other and busy.get("p95_ms") else "–"
        lines.append(
            f"| {page} | {_figure(one.get('p50_ms'))} / {_figure(one.get('p95_ms'))} ms "
            f"| {_figure(busy.get('p50_ms'))} / {_figure(busy.get('p95_ms'))} / "
            f"{_figure(busy.get('p99_ms'))} ms | {_figure(full.get('p95_ms'))} ms, "
            f"{_figure(full.get('rps'))} | {_figure(queries)} | "
            f"{_figure(floor, ' ms')} | {ratio} | "
            f"{_figure(other['p95_ms'], ' ms') if other else '–'} | {versus} |"
        )
    return lines


def chart(result: dict[str, Any]) -> list[str]:
    """p95 at twenty people with a two-second think time, Mend beside the peer (a Mermaid chart)."""
    busy = [r for r in result["pages"] if (r["users"], r["think_s"]) == (20, 2.0)]
    if not busy:
        return []
    peer = {r["page"]: r for r in result["baseline"] if (r["users"], r["think_s"]) == (20, 2.0)}
    names = ", ".join(json.dumps(r["page"]) for r in busy)
    mend = ", ".join(f"{r['p95_ms']:g}" for r in busy)
    other = ", ".join(f"{peer[r['page']]['p95_ms']:g}" if r["page"] in peer else "0" for r in busy)
    return [
        "```mermaid",
        "xychart-beta",
        f'    title "p95 (ms), 20 people with a 2 s think time, {result["scale"]["cases"]:,} cases"',
        f"    x-axis [{names}]",
        '    y-axis "ms"',
        f"    bar [{other}]",
        f"    bar [{mend}]",
        "```",
        "",
        "The taller bars are the Django admin peer's; the shorter, in front, Mend's (0 where the "
        "admin has no such page).",
    ]


HEADER = """# Performance

Measured by `make bench` (see `bench/run.py`): a throwaway PostgreSQL, a synthetic national
dataset generated from a seed (`bench/dataset.py`), Mend served by gunicorn as
[operations](operations.md) recommends, real sign-ins (password and authenticator code), and
locust driving the pages headless from the same machine. The peer is the Django admin over the same
models and data (`bench/peer_urls.py`): what a Django team would give users first.

Reproduce: `make bench` (1,000,000 cases, the default) or `SCALE=10000 make bench` (quick);
`BENCH_SECONDS` sets how long each load runs (default 60). Each run writes
`bench/results/<date>-<scale>.json` and rewrites this page from every results file there.

Columns: *SQL floor* is the time of all the page's queries run alone against the same database;
*page ÷ floor* is the one-person median over it. Latencies include locust, which shares the two
cores with the server, PostgreSQL and the workers.
"""


def write_docs(results_dir: Path, doc: Path) -> None:
    results = [json.loads(p.read_text()) for p in sorted(results_dir.glob("*.json"))]
    lines = [HEADER]
    for result in sorted(results, key=lambda r: (r["scale"]["cases"], r["date"]), reverse=True):
        scale = result["scale"]
        lines += [
            f"## {scale['cases']:,} cases ({result['date']}"
            + (f", commit {result['commit']}" if result.get("commit") else "")
            + ")",
            "",
            f"{scale['organisations']} organisations, {scale['parties']:,} parties, "
            f"{scale['people']:,} people, {scale['activities']:,} activities, "
            f"{scale['invoices']:,} invoices; "
            + (
                f"generated in {result['generated_s']:g} s. "
                if result.get("generated_s") is not None
                else "generated beforehand. "
            )
            + f"Each load ran {result['seconds_per_load']} s.",
            "",
            *table(result),
            "",
        ]
        saturated = result.get("saturated_case_list") or []
        if saturated:
            s = saturated[0]
            lines.append(
                f"Case list alone, saturated (20 people, no think time): {s['rps']:g} requests a "
                f"second, p95 {s['p95_ms']:g} ms."
            )
        export = result.get("export") or {}
        if export:
            lines.append(
                f"Streamed CSV export: {export['rows']:,} invoices in {export['seconds']:g} s "
                f"({export['rows_per_s']:,} rows a second)."
            )
        memory = result.get("memory") or {}
        if memory:
            lines.append(
                f"Peak worker memory: Mend {memory['mend_mb']:g} MB, peer {memory['peer_mb']:g} MB."
            )
        lines += ["", *chart(result), ""]
    doc.write_text("\n".join(lines).rstrip() + "\n")
