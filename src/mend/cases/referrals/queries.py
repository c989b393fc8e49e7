"""Reading referrals: people who may already be known (case references are taken in
numbering.py: taking one writes)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from mend.people.models import Person, name_key, postcode_key


def likely_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    postcode: str = "",
    limit: int = 10,
) -> list[tuple[Person, list[str]]]:
    """People already known who may be the same human, with the reasons (offered, never forced).

    Runs inside the current organisation scope. Same last name plus any of: same date of birth,
    same postcode, same first name or initial; or same date of birth and same postcode.
    """
    last, first, code = name_key(last_name), name_key(first_name), postcode_key(postcode)
    if not last and not (date_of_birth and code):
        return []
    query = Q(last_name_key=last) if last else Q()
    if date_of_birth and code:
        query |= Q(date_of_birth=date_of_birth, postcode_key=code)
    found = []
    for person in Person.objects.filter(query).order_by("last_name", "first_name")[:200]:
        reasons = []
        if last and person.last_name_key == last:
            reasons.append(_("same last name"))
        if date_of_birth and person.date_of_birth == date_of_birth:
            reasons.append(_("same date of birth"))
        if code and person.postcode_key == code:
            reasons.append(_("same postcode"))
        if first and person.first_name_key == first:
            reasons.append(_("same first name"))
        elif first and person.first_name_key[:1] == first[:1]:
            reasons.append(_("same first initial"))
        if len(reasons) >= 2:
            found.append((person, reasons))
    found.sort(key=lambda pair: -len(pair[1]))
    return found[:limit]
