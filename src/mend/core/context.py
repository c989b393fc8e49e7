"""Who is acting, from where, in which request: set once per request, read by audit and access logs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    # What this request has already worked out (see `once_per_request`).
    memo: dict[Any, Any] = field(default_factory=dict, compare=False)


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


def once_per_request(key: Any, compute: Callable[[], T]) -> T:
    """`compute()`, remembered under `key` for the rest of the current request (an access
    decision every list and panel of a page needs). Outside a request it is computed each time."""
    ctx = _context.get()
    if not ctx.request_id:
        return compute()
    if key not in ctx.memo:
        ctx.memo[key] = compute()
    found: T = ctx.memo[key]
    return found
