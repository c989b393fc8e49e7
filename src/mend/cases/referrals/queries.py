"""Reading referrals: people who may already be known (case references are taken in
numbering.py: taking one writes)."""

from __future__ import annotations

from datetime import date

from mend.people import queries as people
from mend.people.models import Person

# What a referrer told us about the people involved, kept as they gave it (inside the encrypted
# referrer_contact) so that their status page never shows what practitioners learn later.
PROVIDED_KEY = "provided"


def provided(case) -> dict:
    """What the referrer told us: {"summary": ..., "people": [{"name", "role", ...}, ...]}."""
    return (case.referrer_contact or {}).get(PROVIDED_KEY) or {}


def likely_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    postcode: str = "",
    limit: int = 10,
) -> list[tuple[Person, list[str]]]:
    """People already known who may be the same human, with the reasons (offered, never forced).

    Runs inside the current organisation scope, with the matcher search uses (people.queries):
    a similar or the same last name plus any of the same date of birth, postcode, first name or
    initial; or the same date of birth and postcode.
    """
    return people.likely_same(
        Person.objects.all(),
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        limit=limit,
    )
