"""The one matcher of people: search and duplicate detection both use it.

Names are compared by how they sound (`people.names.sound_name`) with trigram similarity, so
misspellings, initials, accents and Welsh spellings still match ("Rian Loyd" finds Ryan Lloyd).
The candidates are the people whose first or last name starts like a word typed (`names.block`,
indexed with the organisation), so the work is the candidates', not the organisation's; they are
ranked by similarity in the database on PostgreSQL (pg_trgm's `similarity`) and in Python on
SQLite (the demo's database; `names.similarity` is the same measure).

Both functions take the queryset to search (already scoped to what the user may see) and the path
from its rows to the person (`""` for people themselves, `"person"` for parties).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Greatest
from django.utils.translation import gettext as _

from mend.core.tenancy import current_organisation
from mend.people.models import Person
from mend.people.names import (
    SIMILAR,
    blocks,
    name_key,
    postcode_key,
    search_name,
    similarity,
    sound_name,
)

# How many of the most alike people a search of related rows (parties) considers.
CANDIDATES = 2000


@dataclass(frozen=True)
class Wanted:
    """What is known of the person looked for: any of a name, a date of birth, a postcode."""

    name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""

    def __bool__(self) -> bool:
        return bool(search_name(self.name) or self.date_of_birth or postcode_key(self.postcode))


def _field(path: str, name: str) -> str:
    return f"{path}__{name}" if path else name


def _postgresql(queryset: QuerySet[Any]) -> bool:
    return connections[queryset.db].vendor == "postgresql"


# How much a first initial typed ("G Hughes") that agrees with the first name weighs in the score.
INITIAL_WEIGHT = 0.2


def _initial(name: str) -> str:
    """The first name's initial when the name typed starts with one ("g" of "g hughes")."""
    words = name.split()
    return words[0] if len(words) > 1 and len(words[0]) == 1 else ""


def _one_word(name: str) -> str:
    """The name typed when it is one word (not an initial), else ""."""
    words = name.split()
    return words[0] if len(words) == 1 and len(words[0]) > 1 else ""


def _name_score(path: str, name: str) -> Any:
    """How like `name` a row's person's name is: how it sounds, and (to order equal sounds) how
    it is spelled, and whether the first name has the initial typed; 0 to 1."""
    sound = TrigramSimilarity(_field(path, "sound_name"), sound_name(name))
    spelled = TrigramSimilarity(_field(path, "search_name"), search_name(name))
    score = (sound * 3 + spelled) / 4
    initial = _initial(name)
    if initial:
        agrees = Case(
            When(**{_field(path, "search_name") + "__startswith": initial}, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        score = score * (1 - INITIAL_WEIGHT) + agrees * INITIAL_WEIGHT
    return Cast(score, FloatField())


def _python_name_score(person: Any, name: str) -> float:
    sound = similarity(person.sound_name, sound_name(name))
    spelled = similarity(person.search_name, search_name(name))
    score = (sound * 3 + spelled) / 4
    initial = _initial(search_name(name))
    if initial:
        agrees = 1.0 if person.search_name.startswith(initial) else 0.0
        score = score * (1 - INITIAL_WEIGHT) + agrees * INITIAL_WEIGHT
    return score


def _person(row: Any, path: str) -> Any:
    for step in path.split("__") if path else []:
        row = getattr(row, step)
    return row


def _starts_like(path: str, name: str) -> Q:
    """People whose first or last name starts like one of the words of `name` (indexed)."""
    starts = list(blocks(name))
    if not starts:
        return Q(pk__in=[])
    return Q(**{_field(path, "first_block") + "__in": starts}) | Q(
        **{_field(path, "last_block") + "__in": starts}
    )


def search(
    queryset: QuerySet[Any], wanted: Wanted, *, path: str = "", limit: int = 25
) -> list[Any]:
    """Rows whose person has everything `wanted` gives (a name that sounds alike, the same date
    of birth, the same postcode), most similar first; each row gets a `similarity` (0 to 1).

    One query. The candidates are the people whose first or last name starts like a word of the
    name (`names.blocks`). A name of several words must sound alike by at least pg_trgm's
    default threshold (0.3), and initials only rank. A single word ("Llyod", "Hughes") is
    compared with the first and the last name apart, and every candidate is kept, so that two
    letters swapped are still found and everyone of that surname ranks alike (then by name)."""
    if not wanted:
        return []
    name = search_name(wanted.name)
    exact = Q()
    if wanted.date_of_birth:
        exact &= Q(**{_field(path, "date_of_birth"): wanted.date_of_birth})
    if postcode_key(wanted.postcode):
        exact &= Q(**{_field(path, "postcode_key"): postcode_key(wanted.postcode)})
    organisation = current_organisation()
    if path and organisation is not None:
        # The people joined in belong to the organisation too: said outright so that PostgreSQL
        # reads the name indexes (organisation, block) rather than every organisation's.
        exact &= Q(**{_field(path, "organisation"): organisation})
    queryset = queryset.filter(exact)
    order = [_field(path, "last_name"), _field(path, "first_name"), "pk"]
    if not name:
        rows = list(queryset.order_by(*order)[:limit])
        for row in rows:
            row.similarity = 1.0
        return rows
    queryset = queryset.filter(_starts_like(path, name))
    word = _one_word(name)
    if _postgresql(queryset):
        if path:
            # The people first, from the name indexes (at most CANDIDATES of them, the most alike),
            # then their rows in scope: left to itself PostgreSQL may instead walk every row in
            # scope (a team's thousands of parties) and look each person up.
            people = search(Person.objects.only("pk"), wanted, limit=CANDIDATES)
            queryset = queryset.filter(**{_field(path, "pk") + "__in": [p.pk for p in people]})
        if word:
            either = Greatest(
                TrigramSimilarity(_field(path, "first_name_key"), word),
                TrigramSimilarity(_field(path, "last_name_key"), word),
            )
            return list(
                queryset.annotate(similarity=Cast(either, FloatField())).order_by(
                    "-similarity", *order
                )[:limit]
            )
        return list(
            queryset.annotate(
                sounds=TrigramSimilarity(_field(path, "sound_name"), sound_name(name)),
                similarity=_name_score(path, name),
            )
            .filter(sounds__gte=SIMILAR)
            .order_by("-similarity", *order)[:limit]
        )
    scored = []
    for row in queryset.order_by(*order):
        person = _person(row, path)
        if word:
            row.similarity = max(
                similarity(person.first_name_key, word), similarity(person.last_name_key, word)
            )
            scored.append(row)
        elif similarity(person.sound_name, sound_name(name)) >= SIMILAR:
            row.similarity = _python_name_score(person, name)
            scored.append(row)
    scored.sort(key=lambda row: -row.similarity)
    return scored[:limit]


def likely_same(
    queryset: QuerySet[Any],
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    postcode: str = "",
    limit: int = 10,
) -> list[tuple[Any, list[str]]]:
    """People in `queryset` who may be the same human as the one described, with the reasons
    (offered at intake, never forced).

    A candidate has a first or last name that starts like the name's words, or the same last
    name, or the same date of birth and postcode; it is offered when at least two reasons hold (the same or a similar-sounding last
    name counts as one, the same first name or initial as another, the date of birth and the
    postcode one each). Candidates are ranked in the database by how many hold, so an exact match is found
    however many people share the surname."""
    last, first, code = name_key(last_name), name_key(first_name), postcode_key(postcode)
    name = search_name(first_name, last_name)
    if not last and not (date_of_birth and code):
        return []
    candidates = Q(last_name_key=last) if last else Q(pk__in=[])
    if date_of_birth and code:
        candidates |= Q(date_of_birth=date_of_birth, postcode_key=code)
    if name:
        candidates |= _starts_like("", name)
    queryset = queryset.filter(candidates)
    if _postgresql(queryset):
        points = [
            (Q(last_name_key=last), 1),
            (Q(date_of_birth=date_of_birth), 1 if date_of_birth else 0),
            (Q(postcode_key=code), 1 if code else 0),
            (Q(first_name_key=first), 1 if first else 0),
        ]
        score: Any = _name_score("", name) if name else Value(0.0)
        for condition, weight in points:
            if weight:
                score += Case(When(condition, then=Value(1.0)), default=Value(0.0))
        rows = list(
            queryset.annotate(score=score).order_by("-score", "last_name", "first_name", "pk")[
                : limit * 5
            ]
        )
    else:
        rows = list(queryset.order_by("last_name", "first_name", "pk"))
    found = []
    for person in rows:
        reasons = []
        if last and person.last_name_key == last:
            reasons.append(_("same last name"))
        elif last and similarity(sound_name(person.last_name), sound_name(last_name)) >= SIMILAR:
            reasons.append(_("similar last name"))
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
