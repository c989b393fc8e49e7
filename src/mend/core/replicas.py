"""Reports, dashboards and exports read from a PostgreSQL read replica when one is configured.

`MEND_REPLICA_DATABASE_URL` names a streaming replica of the primary (`DATABASE_URL`); the
`replica` alias then exists and `MEND_READ_FROM_REPLICA` is on. A view marked `@from_replica`
(under its `@decide`) reads from the replica: its own queries, and the rows of a streamed
response as they are sent. Everything else reads from the primary, and so do:

- every write (an object read from the replica is saved to the primary);
- every read inside a transaction on the primary (an action's reads see its own writes, and a
  `select_for_update` never reaches a read-only server);
- the request's session, user and memberships, which the middleware reads before the view runs.

A replica lags the primary by its replay delay (normally well under a second), so only pages
where a moment's lag cannot mislead are marked: figures over many records, and exports. A page
someone has just changed and expects to see changed (a case, an invoice) never is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponseBase

REPLICA = "replica"

_reading = ContextVar("mend_replica_reads", default=False)

_V = TypeVar("_V", bound=Callable[..., HttpResponseBase])


def replica_in_use() -> bool:
    """Whether reads marked for the replica go there (a replica is configured and turned on)."""
    return REPLICA in settings.DATABASES and bool(settings.MEND_READ_FROM_REPLICA)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside this block (outside a transaction on the primary) go to the replica."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def _streamed(content: Iterable[bytes]) -> Iterator[bytes]:
    """A streamed response's chunks, each made with replica reads on (the view has returned by
    the time they are made, so its own block has ended)."""
    chunks = iter(content)
    while True:
        with replica_reads():
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def from_replica(view: _V) -> _V:
    """Mark a report, dashboard or export view as one that reads from the replica."""

    @wraps(view)
    def reading(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with replica_reads():
            response = view(request, *args, **kwargs)
        if response.streaming:
            response.streaming_content = _streamed(response.streaming_content)  # type: ignore[attr-defined]
        return response

    return reading  # type: ignore[return-value]


class ReplicaRouter:
    """Django's database router for the rules above."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if (
            _reading.get()
            and replica_in_use()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same rows: a replica row may be related to a primary one.
        same_data = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica copies the primary's schema; migrations run on the primary only.
        return False if db == REPLICA else None
