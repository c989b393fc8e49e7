"""Expectations for referrals: staff entry, the waiting list, accept or decline, partner referrers'
pages and the public self-referral.

A partner referrer's status page answers only the referrer who made the referral. The walker signs
in its partner referrer as visitor.partner_referrer@example.test, so the home organisation's
referral is made by that person: they get the page, everyone else is told it does not exist.
"""

from __future__ import annotations

from django.urls import reverse

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.core.tests_support import make_member
from tests.url_access import Expect

ENTER_REFERRALS = frozenset(
    {Role.ADMINISTRATOR, Role.MANAGER, Role.ADVANCED_PRACTITIONER, Role.PRACTITIONER, Role.OFFICE}
)
DECIDE = frozenset({Role.ADMINISTRATOR, Role.MANAGER})
REFER = frozenset({Role.ADMINISTRATOR, Role.PARTNER_REFERRER})

EXPECTED: dict[str, Expect] = {
    "referral_new": Expect(ENTER_REFERRALS),
    "referral_queue": Expect(DECIDE),
    "referral_decide": Expect(DECIDE, org_object=True),
    "referral_submit": Expect(REFER),
    "referral_mine": Expect(REFER),
    "referral_status": Expect(frozenset({Role.PARTNER_REFERRER}), org_object=True),
    # Public: anyone may ask for help; the confirmation without a referral goes back to the form.
    "self_referral": Expect(None),
    "self_referral_sent": Expect(None, ok=302),
}

WALKER_PARTNER_REFERRER = "visitor.partner_referrer@example.test"


def objects(organisation, admin_user, slug):
    email = WALKER_PARTNER_REFERRER if slug == "home" else f"referrer.{slug}@example.test"
    referrer = make_member(organisation, Role.PARTNER_REFERRER, email=email).user
    with organisation_scope(organisation):
        kind = m.CaseType.objects.get(code="criminal-justice")
        waiting = actions.create_case(
            actor=admin_user, organisation=organisation, case_type=kind, source=c.Source.INTERNAL
        )
        # (create_case rather than submit_partner_referral: no handover file to store)
        referred = actions.create_case(
            actor=referrer,
            organisation=organisation,
            case_type=kind,
            source=c.Source.AGENCY,
            referring_agency="Probation Service",
            sharing_basis=c.SharingBasis.AGREEMENT,
        )
    return {"waiting": waiting, "referred": referred, "slug": organisation.slug}


def urls(for_each) -> dict[str, dict[str, str]]:
    return {
        "referral_decide": for_each(lambda o: reverse("referral_decide", args=[o["waiting"].pk])),
        "referral_status": for_each(lambda o: reverse("referral_status", args=[o["referred"].pk])),
        "self_referral": for_each(lambda o: reverse("self_referral", args=[o["slug"]])),
        "self_referral_sent": for_each(lambda o: reverse("self_referral_sent", args=[o["slug"]])),
    }
