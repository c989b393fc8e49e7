"""The pages the benchmark measures, who asks for them, and their peer in the Django admin.

A page's address is resolved once per signed-in user against the dataset (a case that user may
open, a deep page of their list) before the load starts, so every request of a run asks for the
same work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from bench.loading import SIGNED_IN_PER_ROLE, staff_email
from mend.core.web import keyset_cursor

ROLES = ("manager", "practitioner", "partner_referrer", "office")


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    path: str
    """The address, with `{case}`, `{party}`, `{after}`, `{deep}`, `{name}`... filled in per
    user (see `placeholders`)."""
    peer: str = ""
    """The Django admin's address for the same data, when it has one."""
    weight: int = 1


PAGES = [
    Page("case list", "manager", "/cases/", peer="/admin/cases/case/", weight=3),
    Page(
        "case list, deep page",
        "manager",
        "/cases/?after={after}",
        peer="/admin/cases/case/?p={deep}",
    ),
    Page("caseload", "manager", "/cases/caseload/"),
    Page(
        "case overview",
        "manager",
        "/cases/{case}/",
        peer="/admin/cases/case/{case}/change/",
        weight=3,
    ),
    Page(
        "party page",
        "manager",
        "/cases/parties/{party}/",
        peer="/admin/cases/party/{party}/change/",
        weight=2,
    ),
    Page("Victims' Code dashboard", "manager", "/cases/dashboard/"),
    Page(
        "search, exact name",
        "manager",
        "/cases/search/?q={name}",
        peer="/admin/people/person/?q={name}",
        weight=2,
    ),
    Page(
        "search, misspelled name",
        "manager",
        "/cases/search/?q={misspelled}",
        peer="/admin/people/person/?q={misspelled}",
    ),
    Page(
        "search, reference",
        "manager",
        "/cases/search/?q={reference}",
        peer="/admin/cases/case/?q={reference}",
    ),
    Page("my cases", "practitioner", "/cases/?mine=on", weight=3),
    Page("my day (tasks)", "practitioner", "/", weight=2),
    Page("case overview (practitioner)", "practitioner", "/cases/{case}/", weight=3),
    Page("party page (practitioner)", "practitioner", "/cases/parties/{party}/", weight=2),
    Page("Victims' Code dashboard (practitioner)", "practitioner", "/cases/dashboard/"),
    Page("search, misspelled name (practitioner)", "practitioner", "/cases/search/?q={misspelled}"),
    Page("partner referrer's list", "partner_referrer", "/cases/referrals/mine/", weight=2),
    Page(
        "invoice list", "office", "/training/invoices/", peer="/admin/training/invoice/", weight=2
    ),
    Page(
        "invoice list, deep page",
        "office",
        "/training/invoices/?after={invoice_after}",
        peer="/admin/training/invoice/?p={invoice_deep_admin}",
    ),
    Page("aged debt", "office", "/training/invoices/aged-debt/"),
    Page("training dashboard", "office", "/training/dashboard/"),
]

EXPORT = Page("invoices CSV export", "office", "/training/invoices/export.csv")


def staff(organisations: int) -> list[tuple[str, str]]:
    """(role, email) of every bench user who signs in: the first few of each role in each of
    the first two organisations (all with an authenticator set up): 24 sign-ins, under the
    30 a minute that django-allauth allows from one address."""
    return [
        (role, staff_email(role, number, organisation))
        for organisation in range(1, min(organisations, 2) + 1)
        for role in ROLES
        for number in range(1, SIGNED_IN_PER_ROLE + 1)
    ]


def placeholders(cursor: Any, email: str) -> dict[str, str]:
    """The values a user's page addresses need, read from the dataset."""
    cursor.execute(
        "SELECT m.id, m.organisation_id, m.role FROM core_membership m JOIN core_user u "
        "ON u.id = m.user_id WHERE u.email = %s",
        [email],
    )
    membership, organisation, role = cursor.fetchone()
    if role == "practitioner":
        # What the practitioner may open: the cases allocated to them now and their teams'.
        cases = (
            "SELECT c.id, c.received_on FROM cases_case c WHERE c.id IN (SELECT case_id FROM "
            "cases_allocation WHERE membership_id = %s AND ended_on IS NULL) OR c.team_id IN "
            "(SELECT team_id FROM core_membership_teams WHERE membership_id = %s)"
        )
        scope = [membership, membership]
    else:
        cases = "SELECT c.id, c.received_on FROM cases_case c WHERE c.organisation_id = %s"
        scope = [organisation]
    cursor.execute(f"SELECT count(*) FROM ({cases}) x", scope)
    total = cursor.fetchone()[0]
    cursor.execute(
        f"SELECT id, received_on FROM ({cases}) x ORDER BY received_on DESC, id DESC "
        "OFFSET %s LIMIT 1",
        [*scope, total // 2],
    )
    row = cursor.fetchone()
    case, received = (row[0], row[1]) if row else (0, None)
    cursor.execute(
        "SELECT p.id, n.first_name, n.last_name, c.reference FROM cases_party p "
        "JOIN people_person n ON n.id = p.person_id JOIN cases_case c ON c.id = p.case_id "
        "WHERE p.case_id = %s ORDER BY p.id LIMIT 1",
        [case],
    )
    party, first_name, last_name, reference = cursor.fetchone() or (0, "", "", "")
    cursor.execute(
        "SELECT count(*) FROM training_invoice WHERE organisation_id = %s", [organisation]
    )
    invoices = cursor.fetchone()[0]
    cursor.execute(
        "SELECT issue_date, id FROM training_invoice WHERE organisation_id = %s "
        "ORDER BY issue_date DESC, id DESC OFFSET %s LIMIT 1",
        [organisation, invoices // 2],
    )
    invoice_row = cursor.fetchone()
    return {
        "case": str(case),
        "party": str(party),
        "name": quote_plus(f"{first_name} {last_name}"),
        "misspelled": quote_plus(misspell(f"{first_name} {last_name}")),
        "reference": quote_plus(reference),
        "after": keyset_cursor([received, case]) if received else "",
        "deep": str(max(total // 2 // 100, 1)),
        "invoice_after": keyset_cursor(invoice_row) if invoice_row else "",
        "invoice_deep_admin": str(max(invoices // 2 // 100, 1)),
    }


def misspell(name: str) -> str:
    """The name as someone might mistype it: a sound-alike spelling where the name has one
    (ll, y, ph, ck), or else the last name's second letter left out."""
    for spelled, typed in (("ll", "l"), ("y", "i"), ("ph", "f"), ("ck", "k"), ("i", "y")):
        if spelled in name.lower():
            return name.lower().replace(spelled, typed, 1)
    first, _space, last = name.partition(" ")
    return f"{first} {last[:1]}{last[2:]}" if len(last) > 2 else name
