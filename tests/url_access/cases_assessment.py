"""Expectations for assessment and risk, the decision to proceed, and the casework settings pages
(the configuration area, under /cases/settings/).

The walker's visitors are allocated to nothing, so only roles that see every case (administrators
and managers) reach a case's pages; everyone else gets 404, as if the case did not exist.
Casework settings are for administrators only.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.builders import add_party
from tests.url_access import Expect

SEE_ALL_CASES = frozenset({Role.ADMINISTRATOR, Role.MANAGER})
ADMINISTRATOR_ONLY = frozenset({Role.ADMINISTRATOR})

EXPECTED: dict[str, Expect] = {
    "case_assessment": Expect(SEE_ALL_CASES, org_object=True),
    "case_risk_new": Expect(SEE_ALL_CASES, org_object=True),
    "case_signoff": Expect(SEE_ALL_CASES, org_object=True),
    "case_suitability": Expect(SEE_ALL_CASES, org_object=True),
    "case_principles": Expect(SEE_ALL_CASES, org_object=True),
    "handover_download": Expect(SEE_ALL_CASES, org_object=True),
    "party_assess": Expect(SEE_ALL_CASES, org_object=True),
    "case_type_list": Expect(ADMINISTRATOR_ONLY),
    "case_type_edit": Expect(ADMINISTRATOR_ONLY, org_object=True),
    "question_set_list": Expect(ADMINISTRATOR_ONLY),
    "question_set_edit": Expect(ADMINISTRATOR_ONLY, org_object=True),
    "complexity_factor_list": Expect(ADMINISTRATOR_ONLY),
    "complexity_factor_create": Expect(ADMINISTRATOR_ONLY),
    "complexity_factor_edit": Expect(ADMINISTRATOR_ONLY, org_object=True),
}


def objects(organisation, admin_user, slug):
    with organisation_scope(organisation):
        case_type = m.CaseType.objects.get(code="criminal-justice")
        case = actions.create_case(
            actor=admin_user,
            organisation=organisation,
            case_type=case_type,
            source=c.Source.INTERNAL,
        )
        party = add_party(admin_user, case, c.PartyRole.HARMED, f"Harmed {slug}")
        handover = actions.record_risk_assessment(
            actor=admin_user,
            case=case,
            level=c.RiskLevel.LOW,
            handover_file=SimpleUploadedFile(f"handover-{slug}.pdf", b"%PDF-1.4 handover"),
        )
        return {
            "case": case,
            "party": party,
            "handover": handover,
            "case_type": case_type,
            "question_set": m.QuestionSet.objects.get(code="restorative-harmed"),
            "factor": m.ComplexityFactor.objects.get(code="hate-crime"),
        }


def urls(for_each) -> dict[str, dict[str, str]]:
    by_case = ["case_assessment", "case_risk_new", "case_suitability", "case_principles"]
    found = {name: for_each(lambda o, n=name: reverse(n, args=[o["case"].pk])) for name in by_case}
    found["case_signoff"] = for_each(lambda o: reverse("case_signoff", args=[o["case"].pk, "risk"]))
    found["handover_download"] = for_each(
        lambda o: reverse("handover_download", args=[o["handover"].pk])
    )
    found["party_assess"] = for_each(lambda o: reverse("party_assess", args=[o["party"].pk]))
    found["case_type_edit"] = for_each(
        lambda o: reverse("case_type_edit", args=[o["case_type"].pk])
    )
    found["question_set_edit"] = for_each(
        lambda o: reverse("question_set_edit", args=[o["question_set"].pk])
    )
    found["complexity_factor_edit"] = for_each(
        lambda o: reverse("complexity_factor_edit", args=[o["factor"].pk])
    )
    return found
