"""Finding people and cases from the header's search box, inside what the user may see.

What is typed is read as parts: a full postcode, a date of birth (12/3/1990, 12-03-1990,
12.3.1990 or 1990-03-12), a case reference or part of one (ORG-2026-00042, 2026-42), and
whatever is left as a name. People must have every part given (a name that sounds alike, the
same date of birth, the same postcode), ranked by similarity (people.queries, the matcher that
duplicate detection uses too). Everything runs on the cases' row rule, so nobody finds a case
they could not open; partner referrers find only their own referrals, by reference or by the
names they gave us (never by what the service recorded after).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from mend.cases import models as m
from mend.cases.referrals.queries import provided
from mend.core.roles import Perm
from mend.people import queries as people
from mend.people.names import SIMILAR, similarity, sound_name

LIMIT = 25
# What is read of a search: the box takes no more, and a longer address is cut to it.
MAX_QUERY = 200

_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
_DAY_FIRST = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_YEAR_FIRST = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_REFERENCE = re.compile(r"\b(?:([A-Z0-9]+)-)?((?:19|20)\d{2})-(\d{1,5})\b", re.IGNORECASE)


@dataclass
class Terms:
    """What was typed, read as parts; `problems` says what could not be read."""

    name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    reference: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def person(self) -> people.Wanted:
        return people.Wanted(self.name, self.date_of_birth, self.postcode)

    def __bool__(self) -> bool:
        return bool(self.reference or self.person)


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse(text: str) -> Terms:
    terms = Terms()
    rest = (text or "")[:MAX_QUERY]
    found = _POSTCODE.search(rest)
    if found:
        terms.postcode = f"{found[1]} {found[2]}".upper()
        rest = rest[: found.start()] + " " + rest[found.end() :]
    for pattern, order in ((_DAY_FIRST, (3, 2, 1)), (_YEAR_FIRST, (1, 2, 3))):
        found = pattern.search(rest)
        if found:
            terms.date_of_birth = _date(*(found[i] for i in order))
            if terms.date_of_birth is None:
                terms.problems.append("date")
            rest = rest[: found.start()] + " " + rest[found.end() :]
            break
    found = _REFERENCE.search(rest)
    if found:
        prefix, year, number = found[1], found[2], int(found[3])
        terms.reference = f"{prefix.upper() + '-' if prefix else ''}{year}-{number:05d}"
        rest = rest[: found.start()] + " " + rest[found.end() :]
    terms.name = " ".join(rest.split())
    return terms


@dataclass
class Found:
    """Cases found by reference, and people found in cases (one row per party)."""

    cases: list[Any]
    parties: list[Any]

    def __len__(self) -> int:
        return len(self.cases) + len(self.parties)


_CASE_COLUMNS = ("reference", "status", "received_on", "case_type__name", "case_type__name_cy")


def for_staff(user: Any, terms: Terms) -> Found:
    """Two queries at most: cases by reference, and parties by person."""
    visible = m.Case.objects.for_user(user, Perm.VIEW_CASES)
    cases: list[Any] = []
    if terms.reference:
        cases = list(
            visible.filter(reference__icontains=terms.reference)
            .select_related("case_type")
            .only(*_CASE_COLUMNS)
            .order_by("-received_on", "-pk")[:LIMIT]
        )
    parties: list[Any] = []
    if terms.person:
        scoped: QuerySet[Any] = m.Party.objects.for_user(user, Perm.VIEW_CASES)
        if terms.reference:
            scoped = scoped.filter(case__reference__icontains=terms.reference)
        parties = people.search(
            scoped.select_related("person", "case", "case__case_type").only(
                "role",
                "case_id",
                "person_id",
                "person__first_name",
                "person__last_name",
                "person__date_of_birth",
                "person__postcode",
                "person__search_name",
                "person__sound_name",
                *(f"case__{column}" for column in _CASE_COLUMNS),
            ),
            terms.person,
            path="person",
            limit=LIMIT,
        )
    return Found(cases, parties)


def for_referrer(user: Any, terms: Terms) -> Found:
    """A referrer's own referrals, by reference or by a name they gave us: one query.

    The names are what the referrer told us, kept encrypted with the referral, so they are
    compared here rather than in the database; a referrer's own referrals are few enough."""
    mine = m.Case.objects.for_user(user, Perm.REFER).filter(referrer=user)
    if terms.reference:
        mine = mine.filter(reference__icontains=terms.reference)
    elif not terms.name:
        return Found([], [])
    wanted = sound_name(terms.name)
    found = []
    referrals: list[Any] = list(mine.select_related("case_type").order_by("-received_on", "-pk"))
    for case in referrals:
        given = provided(case).get("people", [])
        names = [person.get("name", "") for person in given]
        score = max((similarity(sound_name(n), wanted) for n in names), default=0.0)
        if not terms.name or score >= SIMILAR:
            case.similarity = score if terms.name else 1.0
            # Found by reference: every name given; by name: the names that matched.
            case.matched_names = [
                n for n in names if not terms.name or similarity(sound_name(n), wanted) >= SIMILAR
            ]
            found.append(case)
    found.sort(key=lambda case: -case.similarity)
    return Found(found[:LIMIT], [])
