"""Who is acting, from where, in which request: set once per request, read by audit and access logs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None


_context: ContextVar[RequestContext] = ContextVar(
    "mend_request_context",
    default=RequestContext(),  # noqa: B039 - frozen, immutable
)


def current() -> RequestContext:
    return _context.get()


@contextlib.contextmanager
def request_context(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)
