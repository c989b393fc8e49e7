"""Expectations for outcomes: the Outcomes tab, support, agreements, payments, feedback, case studies.

The walker's visitors are allocated to nothing, so only roles that see every case (administrators
and managers) reach the case pages; everyone else is told the record does not exist (404).
Approving and publishing case studies is for administrators and managers (PUBLISH_CASE_STUDIES).
The survey (the token is the credential) and the public case-study pages need no sign-in.
"""

from __future__ import annotations

from django.urls import reverse

from mend.cases import actions
from mend.cases import choices as c
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.builders import add_party, new_case
from tests.url_access import Expect

SEE_EVERY_CASE = frozenset({Role.ADMINISTRATOR, Role.MANAGER})

EXPECTED: dict[str, Expect] = {
    **{
        name: Expect(SEE_EVERY_CASE, org_object=True)
        for name in (
            "case_outcomes",
            "support_referral_new",
            "support_referral_edit",
            "agreement_new",
            "agreement_item_new",
            "payment_new",
            "agreement_item_status",
            "feedback_send",
            "feedback_link",
            "case_study_new",
            "case_study_edit",
        )
    },
    **{
        name: Expect(SEE_EVERY_CASE, ok=302, method="post", org_object=True)
        for name in ("case_study_approve", "case_study_publish", "case_study_unpublish")
    },
    "feedback_survey": Expect(None),
    "case_stories": Expect(None),
    "case_story": Expect(None),
}


def objects(organisation, admin_user, slug):
    with organisation_scope(organisation):
        case = new_case(organisation, admin_user)
        harmed = add_party(admin_user, case, c.PartyRole.HARMED, "Harmed", slug)
        responsible = add_party(admin_user, case, c.PartyRole.RESPONSIBLE, "Responsible", slug)
        for party in (harmed, responsible):
            for scope in (c.ConsentScope.FEEDBACK, c.ConsentScope.CASE_STUDY):
                actions.give_consent(actor=admin_user, party=party, scope=scope, method="written")
        referral = actions.add_support_referral(actor=admin_user, party=harmed, service="gp")
        agreement = actions.create_agreement(actor=admin_user, case=case)
        item = actions.add_agreement_item(
            actor=admin_user,
            agreement=agreement,
            kind=c.AgreementItemKind.RESTITUTION,
            responsible=responsible,
            serves=harmed,
            description="Pay for the damage",
            amount="40.00",
        )
        feedback, token, _emailed = actions.send_feedback_request(actor=admin_user, party=harmed)
        study = actions.draft_case_study(actor=admin_user, case=case)
        published = actions.draft_case_study(actor=admin_user, case=case)
        actions.approve_case_study(actor=admin_user, study=published)
        actions.publish_case_study(actor=admin_user, study=published)
    return {
        "case": case,
        "party": harmed,
        "referral": referral,
        "agreement": agreement,
        "item": item,
        "feedback": feedback,
        "token": token,
        "study": study,
        "published": published,
        "slug": organisation.slug,
    }


def urls(for_each) -> dict[str, dict[str, str]]:
    by_object = {
        "case_outcomes": "case",
        "agreement_new": "case",
        "case_study_new": "case",
        "support_referral_new": "party",
        "feedback_send": "party",
        "support_referral_edit": "referral",
        "agreement_item_new": "agreement",
        "payment_new": "item",
        "agreement_item_status": "item",
        "feedback_link": "feedback",
        "case_study_edit": "study",
        "case_study_approve": "study",
        "case_study_publish": "study",
        "case_study_unpublish": "study",
    }
    found = {
        name: for_each(lambda o, n=name, key=key: reverse(n, args=[o[key].pk]))
        for name, key in by_object.items()
    }
    found["feedback_survey"] = for_each(lambda o: reverse("feedback_survey", args=[o["token"]]))
    found["case_stories"] = for_each(lambda o: reverse("case_stories", args=[o["slug"]]))
    found["case_story"] = for_each(
        lambda o: reverse("case_story", args=[o["slug"], o["published"].pk])
    )
    return found
