"""The organisation scope of the running code: which organisation's rows queries may see.

A request activates the scope of the user's current organisation (OrganisationMiddleware). Code
that must look across organisations (commands, the audit verifier) says so with `unscoped()`.
`mend.core.tenancy` builds the scoped managers on this; `mend.core.access` reads the current
organisation from it. It imports neither, so both can import it at their top.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

if TYPE_CHECKING:
    from mend.core.models import Organisation

_Q = TypeVar("_Q", bound=models.QuerySet[Any])


class TenancyError(RuntimeError):
    pass


_UNSCOPED = object()
_current: ContextVar[Any] = ContextVar("mend_organisation_scope", default=None)


@contextlib.contextmanager
def organisation_scope(organisation: Organisation | None) -> Iterator[None]:
    """Run the block with queries limited to `organisation` (None: no organisation at all)."""
    token = _current.set(organisation)
    try:
        yield
    finally:
        _current.reset(token)


@contextlib.contextmanager
def unscoped() -> Iterator[None]:
    """Deliberately look across every organisation (maintenance commands, audit verification)."""
    token = _current.set(_UNSCOPED)
    try:
        yield
    finally:
        _current.reset(token)


def current_organisation() -> Organisation | None:
    value = _current.get()
    return None if value is _UNSCOPED else value


def limit_to_scope(queryset: _Q) -> _Q:
    """`queryset` limited to the current organisation; every row inside `unscoped()`.

    Raises `TenancyError` when no scope is active: an unscoped query is a bug, not a wish."""
    scope = _current.get()
    if scope is _UNSCOPED:
        return queryset
    if scope is None:
        raise TenancyError(
            f"{queryset.model.__name__} was queried without an organisation scope. Use "
            "organisation_scope(org) or, for deliberate cross-organisation work, unscoped()."
        )
    return queryset.filter(organisation=scope)
