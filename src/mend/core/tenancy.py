"""Tenancy guard: every organisation-owned row is read through a scope.

A request activates the scope of the user's current organisation (OrganisationMiddleware). Code that
must look across organisations (commands, the audit verifier) says so with `unscoped()`. Anything else
that queries an organisation-owned model raises `TenancyError` instead of quietly returning every
organisation's rows.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from mend.core.models import Organisation


class TenancyError(RuntimeError):
    pass


_UNSCOPED = object()
_current: ContextVar[Any] = ContextVar("mend_organisation_scope", default=None)


@contextlib.contextmanager
def organisation_scope(organisation: Organisation | None):
    """Run the block with queries limited to `organisation` (None: no organisation at all)."""
    token = _current.set(organisation)
    try:
        yield
    finally:
        _current.reset(token)


@contextlib.contextmanager
def unscoped():
    """Deliberately look across every organisation (maintenance commands, audit verification)."""
    token = _current.set(_UNSCOPED)
    try:
        yield
    finally:
        _current.reset(token)


def current_organisation() -> Organisation | None:
    value = _current.get()
    return None if value is _UNSCOPED else value


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user, action: str):
        """Rows of this queryset that `user` may do `action` on (decided by core.access)."""
        from mend.core import access

        return access.filter_queryset(self, user, action)


class OrganisationManager(models.Manager.from_queryset(OrganisationQuerySet)):
    def get_queryset(self):
        queryset = super().get_queryset()
        scope = _current.get()
        if scope is _UNSCOPED:
            return queryset
        if scope is None:
            raise TenancyError(
                f"{self.model.__name__} was queried without an organisation scope. Use "
                "organisation_scope(org) or, for deliberate cross-organisation work, unscoped()."
            )
        return queryset.filter(organisation=scope)


class OrganisationOwned(models.Model):
    """Abstract base for every domain row: it belongs to exactly one organisation."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = OrganisationManager()

    class Meta:
        abstract = True
