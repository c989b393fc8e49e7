"""The write half of every action: the version check and the one field-update helper.

Every editable row carries a `version`. An edit form sends back the version the person started
from; `check_version` refuses with `ConflictError` when someone saved in between, so nothing is
overwritten. `create` saves a new row and its audit event. `update_fields` is the one way an
edit form's action changes a row's fields: it locks the row, checks the version, applies the
values, diffs them (sensitive fields masked), bumps the version and records the audit event,
all inside the caller's transaction. `save_and_record` is its half for an action that has
checked the row itself and words its own audit event (a deactivation, a status move).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from mend.core import access, audit

M = TypeVar("M", bound=models.Model)


class ConflictError(ValidationError):
    """Someone else saved the record first; nothing was overwritten."""


def check_version(obj: models.Model, expected: int | None, message: str | None = None) -> None:
    """Refuse with `ConflictError` when `obj` is no longer at the version the person started
    editing. `message` words the refusal for a particular record; the default suits any."""
    if expected is not None and obj.version != expected:  # type: ignore[attr-defined]
        raise ConflictError(
            message
            or _(
                "Someone else changed this record while you were editing it. Nothing was saved: "
                "review their change and try again."
            )
        )


def lock(obj: M) -> M:
    """A fresh copy of `obj`, locked for the rest of the transaction (one writer at a time)."""
    locked: M = access.scoped_rows(type(obj)).select_for_update().get(pk=obj.pk)
    return locked


def update_fields(
    obj: M,
    values: dict[str, Any],
    *,
    actor: Any,
    action: str,
    version: int | None = None,
    organisation: Any = None,
    extra_changes: dict[str, Any] | None = None,
    describe: dict[str, Callable[[Any, Any], Any]] | None = None,
) -> tuple[M, dict[str, Any]]:
    """Lock `obj`, check `version`, set `values`, save and audit what changed.

    Returns the saved row and the recorded changes (empty when nothing changed: then nothing is
    saved and no event is written). The version goes up by one on every saved change. Fields that
    are encrypted or never logged appear in the audit event as changed, without their values.
    `describe` words the change of a field in the event: `describe[name](old, new)` is recorded
    instead of `[old, new]` when that field changed (for example, only a list's keys).
    """
    with transaction.atomic():
        locked = lock(obj)
        check_version(locked, version)
        names = list(values)
        before = audit.snapshot(locked, names)
        for name, value in values.items():
            setattr(locked, name, value)
        changes = audit.diff(locked, before, names)
        for name, describe_change in (describe or {}).items():
            if name in changes:
                changes[name] = describe_change(before[name], values[name])
        if not changes and not extra_changes:
            return locked, {}
        changes.update(extra_changes or {})
        _save(locked, [name for name in names if name in changes])
        audit.record_for(action, locked, actor=actor, changes=changes, organisation=organisation)
    return locked, changes


def save_and_record(
    obj: M,
    values: dict[str, Any],
    *,
    actor: Any,
    action: str,
    changes: dict[str, Any] | None = None,
    organisation: Any = None,
) -> M:
    """Set `values` on `obj`, save them and record `action` with `changes`, in one transaction.

    For an action that has already locked or checked the row (its state, its version) and words
    the audit event itself; an edit form's action uses `update_fields`. Only the fields in
    `values` are written, with the version bumped by one on a versioned row."""
    with transaction.atomic():
        for name, value in values.items():
            setattr(obj, name, value)
        _save(obj, list(values))
        audit.record_for(action, obj, actor=actor, changes=changes, organisation=organisation)
    return obj


def _save(obj: models.Model, names: list[str]) -> None:
    """Write the fields `names` of `obj`, with its version bumped and `updated_at` written
    where the row has them."""
    update = list(names)
    if hasattr(obj, "version"):
        obj.version += 1
        update.append("version")
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        update.append("updated_at")
    obj.save(update_fields=update)


def create(
    obj: M,
    *,
    actor: Any,
    action: str,
    changes: Callable[[M], dict[str, Any]],
    organisation: Any = None,
) -> M:
    """Validate a new row as a whole (`full_clean`), save it and record `action` with
    `changes(obj)` (taken after validation, which may tidy the values), in one transaction."""
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        audit.record_for(action, obj, actor=actor, changes=changes(obj), organisation=organisation)
    return obj
