"""Every casework list and detail page runs the same number of queries for every role that sees
it, whether the person can see three cases or thirty, and about as many as the manager's (the
row rule is read once per request and decided on literal ids; see cases.access)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mend.cases import choices as c
from mend.core.roles import Perm, Role, role_has
from tests.builders import CaseWorld

CASE_ROLES = [role for role in Role if role_has(role, Perm.VIEW_CASES)]


class Caseload(CaseWorld):
    def __init__(self, org, make_member, role):
        super().__init__(org, make_member)
        self.manager = self.member(Role.MANAGER, "Mair Manager")
        self.person = self.member(role, "Sam Searcher")
        self.cases = []

    def more(self, n):
        """`n` more cases the person (and the manager) co-work, each with Sharon, Dean, a
        supporter and open tasks."""
        for _ in range(n):
            case = self.open_case(co_workers=[self.person, self.manager])
            self.cases.append(case)
            self.add_party(case, c.PartyRole.SUPPORTER, "Ryan", "Lloyd")


def pages(world):
    case, party = world.cases[0], world.sharon_of_first
    return {
        "case list": reverse("case_list"),
        "my cases": reverse("case_list") + "?mine=on",
        "Victims' Code dashboard": reverse("casework_dashboard"),
        "home": reverse("home"),
        "case overview": reverse("case_detail", args=[case.pk]),
        "people tab": reverse("case_parties", args=[case.pk]),
        "party page": reverse("party_detail", args=[party.pk]),
        "search by name": reverse("case_search") + "?q=Ryan+Lloyd",
        "search by reference": reverse("case_search") + f"?q={case.reference}",
    }


@pytest.mark.parametrize("role", CASE_ROLES, ids=lambda r: r.value)
def test_each_page_runs_the_same_queries_for_3_or_30_cases(
    org, make_member, signed_in, count_queries, role
):
    world = Caseload(org, make_member, role)
    world.more(3)
    with world.scope():
        world.sharon_of_first = world.cases[0].parties.get(role=c.PartyRole.HARMED)
    client = signed_in(world.person.user, org)
    few = {name: count_queries(client, url) for name, url in pages(world).items()}

    world.more(27)
    many = {name: count_queries(client, url) for name, url in pages(world).items()}

    assert many == few
    # About the same as the manager's, who sees every case: the row rule costs at most the two
    # reads of the person's allocations and teams.
    manager = signed_in(world.manager.user, org)
    for name, url in pages(world).items():
        assert few[name] <= count_queries(manager, url) + 2, name
