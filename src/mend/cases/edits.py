"""Casework's shared way of saving a hand-picked set of field edits."""

from __future__ import annotations

from typing import Any

from django.db import models


def save_changed(locked: models.Model, fields: dict[str, Any]) -> list[str]:
    """Set `fields` on the locked row; when any differs, bump its version and save it.

    Returns the names of the fields that changed (empty: nothing was saved)."""
    changed = []
    for name, value in fields.items():
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if changed:
        locked.version += 1  # type: ignore[attr-defined]  # every model passed here has a version
        locked.save()
    return changed
