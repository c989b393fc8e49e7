"""Counting database queries in tests: the `count_queries` fixture (tests/conftest.py)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


class QueryCounter:
    """`count_queries(client, url)`: the queries of a GET of `url` that must answer 200.

    By default a first GET is made and not counted (a session's first request does one-off
    work: its start time, the membership caches); `warm=False` counts the very next request.
    `with count_queries.counting() as queries: ...` captures any other code; `len(queries)`.
    """

    def __call__(self, client, url, data=None, *, warm: bool = True) -> int:
        if warm:
            client.get(url, data)
        with self.counting() as queries:
            response = client.get(url, data)
        assert response.status_code == 200
        return len(queries)

    @staticmethod
    def counting() -> CaptureQueriesContext:
        return counting()


def counting() -> CaptureQueriesContext:
    """`with counting() as queries: ...`: the queries the block ran, `len(queries)`."""
    return CaptureQueriesContext(connection)
