"""Expectations for the search page: staff who see cases search people and cases, partner
referrers their own referrals; nobody else has a search."""

from __future__ import annotations

from django.urls import reverse

from mend.core.roles import Role
from tests.url_access import Expect
from tests.url_access.cases_casework import SEE_CASES

# Everyone who sees cases, and partner referrers (their own referrals).
SEARCHERS = SEE_CASES | {Role.PARTNER_REFERRER}

EXPECTED: dict[str, Expect] = {"case_search": Expect(SEARCHERS)}


def objects(organisation, admin_user, slug):
    return {}


def urls(for_each) -> dict[str, dict[str, str]]:
    return {"case_search": {"own": reverse("case_search") + "?q=Sharon+Jones+2026-1"}}
