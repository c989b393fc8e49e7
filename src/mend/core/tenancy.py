"""Tenancy guard: every organisation-owned row is read through a scope.

A request activates the scope of the user's current organisation (OrganisationMiddleware). Code that
must look across organisations (commands, the audit verifier) says so with `unscoped()`. Anything else
that queries an organisation-owned model raises `TenancyError` instead of quietly returning every
organisation's rows. The scope itself lives in `mend.core.scope` (so that `mend.core.access` can
read it without importing this module); its names are importable from here too.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.db import models

from mend.core import access
from mend.core.scope import (
    TenancyError,
    current_organisation,
    limit_to_scope,
    organisation_scope,
    unscoped,
)

__all__ = [
    "OrganisationManager",
    "OrganisationOwned",
    "OrganisationQuerySet",
    "TenancyError",
    "current_organisation",
    "organisation_scope",
    "unscoped",
]

_M = TypeVar("_M", bound=models.Model)


class OrganisationQuerySet(models.QuerySet[_M]):
    def for_user(self, user: Any, action: str) -> OrganisationQuerySet[_M]:
        """Rows of this queryset that `user` may do `action` on (decided by core.access)."""
        return access.filter_queryset(self, user, action)


_OrganisationManagerBase = models.Manager.from_queryset(OrganisationQuerySet)


class OrganisationManager(_OrganisationManagerBase[_M]):
    def get_queryset(self) -> OrganisationQuerySet[_M]:
        # from_queryset() makes super().get_queryset() an OrganisationQuerySet at run time.
        return limit_to_scope(cast("OrganisationQuerySet[_M]", super().get_queryset()))


class OrganisationOwned(models.Model):
    """Abstract base for every domain row: it belongs to exactly one organisation."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = OrganisationManager()

    class Meta:
        abstract = True
