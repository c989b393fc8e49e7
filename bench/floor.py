"""Each page's queries and its SQL floor, measured inside Django against the bench database.

    python -m bench.floor TARGETS.json OUT.json

For one user of each page: the page is rendered once by Django's test client with that user's
session (so its queries are the ones the server runs), the queries are counted, and then all of
them are run again alone on a plain cursor, five times, inside a transaction that is rolled back
(a page's own writes, such as the session's, are not kept). The floor is the median of those
five totals: the time the page could not be faster than with this SQL."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from typing import Any

REPEATS = 5
SKIP = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class _Rollback(Exception):
    pass


def measure(targets: dict[str, Any]) -> dict[str, dict[str, float]]:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    found: dict[str, dict[str, float]] = {}
    for user in targets["users"]:
        client = Client()
        for name, value in user["cookies"].items():
            client.cookies[name] = value
        for page in user["pages"]:
            if page["name"] in found:
                continue
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page["url"])
            if response.status_code != 200:
                raise SystemExit(f"{page['url']} answered {response.status_code}")
            statements = [
                q["sql"] for q in captured.captured_queries if not q["sql"].startswith(SKIP)
            ]
            totals = []
            for _ in range(REPEATS):
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        began = time.perf_counter()
                        for sql in statements:
                            cursor.execute(sql.replace("%", "%%"), [])
                        totals.append(time.perf_counter() - began)
                        raise _Rollback
                except _Rollback:
                    pass
            found[page["name"]] = {
                "queries": len(statements),
                "floor_ms": round(statistics.median(totals) * 1000, 2),
            }
    return found


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mend.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    with open(sys.argv[1], encoding="utf-8") as handle:
        targets = json.load(handle)
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(measure(targets), handle, indent=2)


if __name__ == "__main__":
    main()
