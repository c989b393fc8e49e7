"""The client's attendee list as people type or paste it: one attendee's name and email checked,
and a pasted list (one `Name, email` per line) read with every wrong line reported."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _


def check_attendee(name: str, email: str) -> dict[str, str]:
    """Problems with one attendee's name and email, by field name (empty when none)."""
    errors = {}
    if not name.strip():
        errors["name"] = _("Enter the attendee's full name.")
    elif len(name.strip()) > 200:
        errors["name"] = _("The name must be 200 characters or fewer.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter an email address like name@example.com.")
    return errors


def parse_attendee_list(text: str, taken: set[str]) -> list[dict]:
    """One attendee per line, `Name, email` (the email may be left out). Raises ValidationError
    listing every wrong line by its number; blank lines are skipped. `taken` holds the (lower
    case) email addresses already on the list."""
    errors: list[str] = []
    found: list[dict] = []
    seen: dict[str, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in re.split(r"[,\t]", line)]
        parts = [p for p in parts if p] if len(parts) > 2 else parts
        if len(parts) > 2:
            errors.append(
                _("Line %(number)s: write the name, a comma, then the email address.")
                % {"number": number}
            )
            continue
        name = parts[0]
        email = parts[1] if len(parts) == 2 else ""
        problems = check_attendee(name, email)
        for problem in problems.values():
            errors.append(
                _("Line %(number)s: %(problem)s") % {"number": number, "problem": problem}
            )
        if problems:
            continue
        key = email.lower()
        if key and key in taken:
            errors.append(
                _("Line %(number)s: %(email)s is already on the attendee list.")
                % {"number": number, "email": email}
            )
            continue
        if key and key in seen:
            errors.append(
                _("Line %(number)s: %(email)s is also on line %(first)s.")
                % {"number": number, "email": email, "first": seen[key]}
            )
            continue
        if key:
            seen[key] = number
        found.append({"name": name, "email": email})
    if errors:
        raise ValidationError({"attendees": errors})
    if not found:
        raise ValidationError({"attendees": _("Enter at least one attendee, one per line.")})
    return found
