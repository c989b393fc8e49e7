"""Anonymised case studies: a draft narrative built from a case's structured data.

What goes in: the case type's description, the processes used, the outcome (closure reason and
kinds of agreement made), whether onward support was arranged (never which service), the season
and year, the organisation's own name, and quotes from feedback whose author agreed to be quoted
anonymously.
What never goes in: the summary or any other encrypted note, contact details, addresses,
postcodes, venues, exact dates, risk or assessment information, and any party's real name:
each party gets a pseudonym with an asterisk ("Sharon*"), and their real first and last names are
replaced wherever they appear in any text used (quotes included).

`problems(case, text)` checks a narrative (as edited by a person) before approval and publishing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.people.names import name_key

# Pseudonyms are first names only; a party whose real first or last name matches one is given
# the next one instead.
PSEUDONYMS = [
    "Sharon",
    "Dylan",
    "Megan",
    "Gareth",
    "Rhian",
    "Owen",
    "Carys",
    "Tom",
    "Elin",
    "Sam",
    "Nia",
    "Huw",
    "Ffion",
    "Rhys",
    "Lowri",
    "Iwan",
    "Cerys",
    "Aled",
]

# UK postcodes (full or outward code followed by an inward code), e-mail addresses, phone numbers
# and exact dates: removed from any free text used.
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?<!\w)(?:\+?\d[\d\s-]{8,}\d)(?!\w)")
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr"
)
EXACT_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"  # 03/04/2026, 3.4.26
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"  # 2026-04-03
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})(?:\s+\d{{4}})?\b",  # 3rd April 2026
    re.IGNORECASE,
)


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()


def season(day: date) -> str:
    if day.month in (3, 4, 5):
        name = _("spring")
    elif day.month in (6, 7, 8):
        name = _("summer")
    elif day.month in (9, 10, 11):
        name = _("autumn")
    else:
        name = _("winter")
    return f"{name} {day.year}"


@dataclass
class Cast:
    """Each party's pseudonym, and the real names that must never appear."""

    pseudonyms: dict[int, str]  # party pk -> "Sharon*"
    real_names: list[tuple[str, str]]  # (real name, its replacement)
    address_parts: list[str]

    def replace(self, text: str) -> str:
        """The text with real names pseudonymised and places, contacts and dates removed."""
        for real, replacement in self.real_names:
            for variant in {real, _fold(real)}:
                if variant:
                    text = re.sub(
                        rf"(?<!\w){re.escape(variant)}(?!\w)", replacement, text, flags=re.I
                    )
        for part in self.address_parts:
            text = re.sub(re.escape(part), _("[place]"), text, flags=re.IGNORECASE)
        text = POSTCODE.sub(_("[place]"), text)
        text = EMAIL.sub(_("[contact]"), text)
        text = PHONE.sub(_("[contact]"), text)
        return EXACT_DATE.sub(_("[date]"), text)


def cast_for(parties: list[m.Party]) -> Cast:
    taken = set()
    for party in parties:
        taken |= {name_key(party.person.first_name), name_key(party.person.last_name)}
    available = [p for p in PSEUDONYMS if name_key(p) not in taken]
    order: dict[str, int] = {c.PartyRole.HARMED: 0, c.PartyRole.RESPONSIBLE: 1}
    ordered = sorted(parties, key=lambda p: (order.get(p.role, 2), p.pk))
    pseudonyms: dict[int, str] = {}
    by_person: dict[int, str] = {}
    for party in ordered:
        if party.person_id not in by_person:
            base = available[len(by_person) % len(available)] if available else _("Someone")
            by_person[party.person_id] = f"{base}*"
        pseudonyms[party.pk] = by_person[party.person_id]
    real_names: list[tuple[str, str]] = []
    address_parts: list[str] = []
    for party in ordered:
        person, alias = party.person, pseudonyms[party.pk]
        full = f"{person.first_name} {person.last_name}".strip()
        for name in (full, person.first_name, person.last_name):
            if name and len(name.strip()) >= 2:
                real_names.append((name.strip(), alias))
        address = (person.contact or {}).get("address", "") if person.contact else ""
        for part in re.split(r"[,\n]+", address or ""):
            if len(part.strip()) >= 4:
                address_parts.append(part.strip())
        if person.postcode:
            address_parts.append(person.postcode.strip())
    # Longest first, so that "Sharon Jones" is replaced before "Sharon".
    real_names.sort(key=lambda pair: -len(pair[0]))
    address_parts.sort(key=len, reverse=True)
    return Cast(pseudonyms=pseudonyms, real_names=real_names, address_parts=address_parts)


def _parties(case: m.Case) -> list[m.Party]:
    return list(
        m.Party.objects.filter(case=case)
        .select_related("person")
        .prefetch_related("support_referrals", "feedback_requests")
    )


def build_draft(case: m.Case) -> tuple[str, str]:
    """(title, narrative) for a new case study of `case`."""
    parties = _parties(case)
    cast = cast_for(parties)
    organisation = case.organisation
    when = season(case.received_on)
    harmed = [p for p in parties if p.role == c.PartyRole.HARMED]
    responsible = [p for p in parties if p.role == c.PartyRole.RESPONSIBLE]

    def names(group):
        return _(" and ").join(cast.pseudonyms[p.pk] for p in group)

    paragraphs: list[str] = []
    opening = _("In %(when)s, %(organisation)s was asked to help with a %(kind)s case.") % {
        "when": when,
        "organisation": organisation.name,
        "kind": case.case_type.name.lower(),
    }
    description = case.case_type.description.strip().rstrip(".")
    if description:
        opening = opening[:-1] + f" ({description[:1].lower()}{description[1:]})."
    paragraphs.append(opening)
    if harmed and responsible:
        paragraphs.append(
            _("%(harmed)s had been harmed, and %(responsible)s was responsible.")
            % {"harmed": names(harmed), "responsible": names(responsible)}
        )
    elif harmed or responsible:
        paragraphs.append(_("%(people)s took part.") % {"people": names(harmed or responsible)})

    kinds = []
    for process in m.Process.objects.filter(case=case).order_by("started_on", "id"):
        label = str(c.ProcessKind(process.kind).label).lower()
        if label not in kinds:
            kinds.append(label)
    unsuitable = []
    for decision in m.SuitabilityDecision.objects.filter(
        case=case, decision=c.Suitability.NOT_SUITABLE
    ):
        label = str(c.ProcessKind(decision.process_kind).label).lower()
        if label not in unsuitable and label not in kinds:
            unsuitable.append(label)
    if unsuitable:
        paragraphs.append(
            _("After careful assessment, a %(kinds)s was judged not to be right for them.")
            % {"kinds": _(" or ").join(unsuitable)}
        )
    if kinds:
        paragraphs.append(
            _("With a practitioner's preparation and support, they took part in: %(kinds)s.")
            % {"kinds": ", ".join(kinds)}
        )

    supported = [p for p in parties if p.support_referrals.all()]
    if supported:
        paragraphs.append(
            _("Along the way, %(people)s was helped to reach other services for support.")
            % {"people": names(supported)}
        )

    item_kinds = []
    for item in m.AgreementItem.objects.filter(agreement__case=case).order_by("id"):
        label = str(c.AgreementItemKind(item.kind).label).lower()
        if label not in item_kinds:
            item_kinds.append(label)
    if item_kinds:
        paragraphs.append(_("They agreed on: %(items)s.") % {"items": ", ".join(item_kinds)})
    if case.closure_reason:
        outcome = _("The case came to an end in %(when)s (%(reason)s).") % {
            "when": season(case.closed_on or case.received_on),
            "reason": str(c.ClosureReason(case.closure_reason).label).lower(),
        }
        paragraphs.append(outcome)

    for party in parties:
        for request in party.feedback_requests.all():
            if request.answered_at and request.may_quote_anonymously and request.comments.strip():
                quote = cast.replace(request.comments.strip())
                paragraphs.append(
                    _("%(who)s said: “%(quote)s”")
                    % {"who": cast.pseudonyms[party.pk], "quote": quote}
                )
    paragraphs.append(_("Names and details have been changed to protect the people involved."))
    narrative = cast.replace("\n\n".join(paragraphs))
    title = cast.replace(_("%(kind)s, %(when)s") % {"kind": case.case_type.name, "when": when})
    return title, narrative


def problems(case: m.Case, text: str) -> list[str]:
    """What in `text` could identify someone (checked before approval and publishing)."""
    found = []
    cast = cast_for(_parties(case))
    for real, _alias in cast.real_names:
        for variant in {real, _fold(real)}:
            if re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", text, flags=re.IGNORECASE):
                found.append(_("It contains the real name “%(name)s”.") % {"name": real})
                break
    if POSTCODE.search(text) or any(part.lower() in text.lower() for part in cast.address_parts):
        found.append(_("It contains an address or a postcode."))
    if EMAIL.search(text) or PHONE.search(text):
        found.append(_("It contains contact details."))
    if EXACT_DATE.search(text):
        found.append(_("It contains an exact date: say only the season and year."))
    return list(dict.fromkeys(found))
