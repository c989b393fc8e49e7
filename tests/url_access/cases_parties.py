"""Expectations for people, parties and consent (cases/urls_parties.py).

Every page is about one case's people. The walker's visitors are allocated to nothing, so only
the roles that see every case (administrators and managers) reach them; everyone else gets 404.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from mend.cases import choices as c
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.builders import add_party, give_consent, new_case
from tests.url_access import Expect

EVERY_CASE = frozenset({Role.ADMINISTRATOR, Role.MANAGER})

EXPECTED: dict[str, Expect] = {
    "case_parties": Expect(EVERY_CASE, org_object=True),
    "party_add": Expect(EVERY_CASE, org_object=True),
    "party_detail": Expect(EVERY_CASE, org_object=True),
    "party_edit": Expect(EVERY_CASE, org_object=True),
    "consent_give": Expect(EVERY_CASE, org_object=True),
    "consent_withdraw": Expect(EVERY_CASE, org_object=True),
}


def objects(organisation, admin_user, slug):
    with organisation_scope(organisation):
        case = new_case(organisation, admin_user)
        party = add_party(
            admin_user,
            case,
            c.PartyRole.HARMED,
            "Sharon",
            f"Jones-{slug}",
            date_of_birth=date(1980, 2, 14),
            contact={"phone": "07700 900001"},
        )
        consent = give_consent(admin_user, party)
    return {"case": case, "party": party, "consent": consent}


def urls(for_each) -> dict[str, dict[str, str]]:
    return {
        "case_parties": for_each(lambda o: reverse("case_parties", args=[o["case"].pk])),
        "party_add": for_each(lambda o: reverse("party_add", args=[o["case"].pk])),
        "party_detail": for_each(lambda o: reverse("party_detail", args=[o["party"].pk])),
        "party_edit": for_each(lambda o: reverse("party_edit", args=[o["party"].pk])),
        "consent_give": for_each(lambda o: reverse("consent_give", args=[o["party"].pk])),
        "consent_withdraw": for_each(lambda o: reverse("consent_withdraw", args=[o["consent"].pk])),
    }
