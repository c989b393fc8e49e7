"""Assessment and risk: the handover, risk assessments, sign-offs and why they are needed, the joint
initial assessment per party, suitability, and the guiding principles checklist."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from mend.cases import actions, workflow
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.models import AccessLog, AuditEvent
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.builders import CaseWorld
from tests.pages import error_summary, page_text

pytestmark = pytest.mark.django_db

HANDOVER_BYTES = b"%PDF-1.4 Probation risk assessment for case handover"


def signoff_row(response, kind: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<tr class="govuk-table__row" id="signoff-{kind}">(.*?)</tr>', html, re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", match.group(1)))) if match else ""


class World(CaseWorld):
    """One organisation's people, and a helper to open a case with Sharon (harmed) and Dean."""

    def __init__(self, org, make_member):
        super().__init__(org, make_member)
        self.admin = self.member(Role.ADMINISTRATOR, "Alys Admin")
        self.manager = self.member(Role.MANAGER, "Morgan Price")
        self.advanced = self.member(Role.ADVANCED_PRACTITIONER, "Gwen Advanced")
        self.practitioner = self.member(Role.PRACTITIONER, "Priya Shah")
        self.outsider = self.member(Role.PRACTITIONER, "Owen Lloyd")
        self.volunteer = self.member(Role.VOLUNTEER, "Val Unteer")
        self.referrer = self.member(Role.PARTNER_REFERRER, "Rhys Probation")

    def case(self, code="criminal-justice", factors=(), under_18=False, allocate=True):
        return self.open_case(
            code=code,
            factors=factors,
            harmed_initiated=True,
            sharon={"is_under_18": under_18},
            lead=self.practitioner if allocate else None,
            co_workers=(self.advanced, self.volunteer) if allocate else (),
        )

    def risk(self, case, **kwargs):
        with organisation_scope(self.org):
            return actions.record_risk_assessment(
                actor=self.practitioner.user,
                case=case,
                level=c.RiskLevel.MEDIUM,
                notes="Dean has been drinking heavily.",
                mitigation="Meet at the office with two facilitators.",
                **kwargs,
            )

    def required(self, case):
        with organisation_scope(self.org):
            return workflow.required_signoffs(m.Case.objects.get(pk=case.pk))


@pytest.fixture
def world(org, make_member):
    return World(org, make_member)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page(signed_in, member, org, case):
    return signed_in(member.user, org).get(reverse("case_assessment", args=[case.pk]))


# ---------------------------------------------------------------- which sign-offs, and why


def test_an_ordinary_case_needs_only_the_risk_signoff(world, signed_in, org):
    case = world.case()

    response = page(signed_in, world.practitioner, org, case)

    assert world.required(case) == [c.SignOffKind.RISK]
    assert "Every case needs its risk assessment signed off" in signoff_row(response, "risk")
    assert signoff_row(response, "advanced") == ""
    assert "Missing" in signoff_row(response, "risk")


def test_a_party_under_18_makes_the_advanced_signoff_required_and_the_page_says_why(
    world, signed_in, org
):
    case = world.case(under_18=True)

    response = page(signed_in, world.practitioner, org, case)

    assert world.required(case) == [c.SignOffKind.RISK, c.SignOffKind.ADVANCED]
    assert "Sharon Jones is under 18." in signoff_row(response, "advanced")


def test_hate_crime_makes_the_advanced_signoff_required(world, signed_in, org):
    case = world.case(factors=["hate-crime"])

    response = page(signed_in, world.practitioner, org, case)

    assert world.required(case) == [c.SignOffKind.RISK, c.SignOffKind.ADVANCED]
    assert "Complexity factor: Hate crime." in signoff_row(response, "advanced")
    assert signoff_row(response, "manager") == ""


def test_domestic_abuse_needs_advanced_manager_and_specialist(world, signed_in, org):
    case = world.case(factors=["domestic-abuse"])

    response = page(signed_in, world.practitioner, org, case)

    assert set(world.required(case)) == {
        c.SignOffKind.RISK,
        c.SignOffKind.ADVANCED,
        c.SignOffKind.MANAGER,
        c.SignOffKind.SPECIALIST,
    }
    for kind in ("advanced", "manager", "specialist"):
        assert "Complexity factor: Domestic abuse." in signoff_row(response, kind), kind


def test_the_enhanced_pathway_needs_every_signoff(world, signed_in, org):
    case = world.case(code="domestic-sexual-harm")

    response = page(signed_in, world.practitioner, org, case)

    assert set(world.required(case)) == set(c.SignOffKind.values)
    for kind in ("advanced", "manager", "specialist"):
        assert "follows the enhanced pathway" in signoff_row(response, kind), kind
    assert "No direct contact between the parties until these sign-offs are given" in page_text(
        response
    )


# ---------------------------------------------------------------- who may sign off


def test_a_practitioner_is_told_clearly_they_cannot_give_the_advanced_signoff(
    world, signed_in, org
):
    case = world.case(factors=["hate-crime"])
    world.risk(case)
    client = signed_in(world.practitioner.user, org)
    url = reverse("case_signoff", args=[case.pk, "advanced"])

    shown = client.get(url)
    posted = client.post(url, {"notes": "Looks fine to me."})

    for response in (shown, posted):
        assert response.status_code == 403
        assert "Only an advanced practitioner can give this sign-off" in page_text(response)
    with organisation_scope(org):
        assert not m.SignOff.objects.filter(case=case).exists()
        with pytest.raises(PermissionDenied):
            actions.record_signoff(actor=world.practitioner.user, case=case, kind="advanced")
    assert "Give advanced practitioner sign-off" not in page_text(
        page(signed_in, world.practitioner, org, case)
    )


def test_an_advanced_practitioner_gives_the_advanced_signoff(world, signed_in, org):
    case = world.case(factors=["hate-crime"])
    world.risk(case)
    client = signed_in(world.advanced.user, org)

    form = client.get(reverse("case_signoff", args=[case.pk, "advanced"]))
    response = client.post(
        reverse("case_signoff", args=[case.pk, "advanced"]),
        {"notes": "Reviewed the mitigation plan.", "submission_id": "one"},
    )

    assert "Complexity factor: Hate crime." in page_text(form)
    assert response.status_code == 302
    with organisation_scope(org):
        signoff = m.SignOff.objects.get(case=case)
    assert (signoff.kind, signoff.by) == ("advanced", world.advanced)
    row = signoff_row(page(signed_in, world.advanced, org, case), "advanced")
    assert "Given" in row and "By Gwen Advanced" in row


def test_a_manager_gives_manager_signoff_and_a_practitioner_cannot(world, signed_in, org, client):
    case = world.case(factors=["domestic-abuse"])
    url = reverse("case_signoff", args=[case.pk, "manager"])

    refused = signed_in(world.practitioner.user, org).post(url, {"notes": "ok"})
    client.logout()
    given = signed_in(world.manager.user, org).post(url, {"notes": "Agreed to proceed."})

    assert refused.status_code == 403
    assert "Only a manager can give manager sign-off" in page_text(refused)
    assert given.status_code == 302
    with organisation_scope(org):
        assert list(m.SignOff.objects.filter(case=case).values_list("kind", "by")) == [
            ("manager", world.manager.pk)
        ]


def test_the_specialist_consultation_needs_the_service_consulted(world, signed_in, org):
    case = world.case(factors=["domestic-abuse"])
    client = signed_in(world.practitioner.user, org)
    url = reverse("case_signoff", args=[case.pk, "specialist"])

    missing = client.post(url, {"notes": "Talked it through."})
    given = client.post(url, {"specialist_service": "Cwm Women's Aid", "notes": "Supportive."})

    assert missing.status_code == 200
    assert error_summary(missing) == ["Name the specialist service consulted."]
    assert "Talked it through." in missing.content.decode()
    assert given.status_code == 302
    row = signoff_row(page(signed_in, world.practitioner, org, case), "specialist")
    assert "Service consulted: Cwm Women's Aid" in row


def test_a_risk_signoff_needs_a_practitioners_risk_assessment_first(world, signed_in, org):
    case = world.case()
    client = signed_in(world.advanced.user, org)
    url = reverse("case_signoff", args=[case.pk, "risk"])

    refused = client.post(url, {"notes": ""})
    world.risk(case)
    given = client.post(url, {"notes": ""})

    assert error_summary(refused) == [
        "Record the practitioners' risk assessment before signing it off."
    ]
    assert given.status_code == 302
    with organisation_scope(org):
        assert workflow.missing_signoffs(m.Case.objects.get(pk=case.pk)) == []
    assert "No direct contact" not in page_text(page(signed_in, world.advanced, org, case))


# ---------------------------------------------------------------- risk assessments and handover


def test_a_risk_assessment_about_one_person_says_whose_information_it_is(world, signed_in, org):
    case = world.case()
    client = signed_in(world.practitioner.user, org)

    response = client.post(
        reverse("case_risk_new", args=[case.pk]),
        {
            "level": "high",
            "party": str(world.dean.pk),
            "notes": "Threats made to a neighbour.",
            "mitigation": "No contact without a second practitioner.",
            "submission_id": "risk-1",
        },
    )

    assert response.status_code == 302
    shown = page_text(client.get(reverse("case_assessment", args=[case.pk])))
    assert "Dean Walsh's information High risk" in shown
    assert "Threats made to a neighbour." in shown
    assert "No contact without a second practitioner." in shown


def test_a_double_submitted_risk_assessment_is_recorded_once(world, signed_in, org):
    case = world.case()
    client = signed_in(world.practitioner.user, org)
    data = {
        "level": "low",
        "party": "",
        "notes": "None found.",
        "mitigation": "Usual practice.",
        "submission_id": "same-click",
    }

    first = client.post(reverse("case_risk_new", args=[case.pk]), data)
    second = client.post(reverse("case_risk_new", args=[case.pk]), data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    with organisation_scope(org):
        assert m.RiskAssessment.objects.filter(case=case).count() == 1


def test_a_risk_assessment_without_its_parts_keeps_what_was_typed(world, signed_in, org):
    case = world.case()
    client = signed_in(world.practitioner.user, org)

    response = client.post(
        reverse("case_risk_new", args=[case.pk]), {"notes": "Some risk noted.", "mitigation": ""}
    )

    assert response.status_code == 200
    assert error_summary(response) == [
        "Choose a risk level.",
        "Describe how the risks will be managed.",
    ]
    assert "Some risk noted." in response.content.decode()


def _handover(world, case):
    with organisation_scope(world.org):
        return actions.record_risk_assessment(
            actor=world.manager.user,
            case=case,
            level=c.RiskLevel.HIGH,
            notes="Handed over by probation.",
            handover_file=SimpleUploadedFile("probation-risk.pdf", HANDOVER_BYTES),
        )


def test_people_working_on_the_case_download_the_handover_and_it_is_logged(
    world, signed_in, org, media
):
    case = world.case()
    handover = _handover(world, case)
    client = signed_in(world.practitioner.user, org)

    tab = client.get(reverse("case_assessment", args=[case.pk]))
    response = client.get(reverse("handover_download", args=[handover.pk]))

    assert reverse("handover_download", args=[handover.pk]) in tab.content.decode()
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == HANDOVER_BYTES
    assert 'filename="probation-risk.pdf"' in response["Content-Disposition"]
    with organisation_scope(org):
        log = AccessLog.objects.get(object_type="cases.riskassessment")
    assert (log.user, log.kind, log.object_id) == (
        world.practitioner.user,
        AccessLog.Kind.EXPORT,
        str(handover.pk),
    )


@pytest.mark.parametrize("who", ["outsider", "referrer"])
def test_people_not_working_on_the_case_cannot_download_the_handover(
    world, signed_in, org, media, who
):
    case = world.case()
    handover = _handover(world, case)

    response = signed_in(getattr(world, who).user, org).get(
        reverse("handover_download", args=[handover.pk])
    )

    assert response.status_code == 404
    with organisation_scope(org):
        assert not AccessLog.objects.filter(object_type="cases.riskassessment").exists()


def test_another_organisations_handover_cannot_be_downloaded(
    world, signed_in, org, other_org, make_member, media
):
    case = world.case()
    handover = _handover(world, case)
    stranger = make_member(other_org, Role.ADMINISTRATOR, email="boss@elsewhere.test")

    response = signed_in(stranger.user, other_org).get(
        reverse("handover_download", args=[handover.pk])
    )

    assert response.status_code == 404


# ---------------------------------------------------------------- joint initial assessment


def test_the_joint_assessment_asks_the_questions_for_the_persons_part_and_says_whose_it_is(
    world, signed_in, org
):
    case = world.case()
    client = signed_in(world.practitioner.user, org)

    harmed = page_text(client.get(reverse("party_assess", args=[world.sharon.pk])))
    responsible = page_text(client.get(reverse("party_assess", args=[world.dean.pk])))

    assert "What has been the hardest thing for you?" in harmed
    assert "What were you thinking at the time?" not in harmed
    assert "What were you thinking at the time?" in responsible
    assert "Everything on this page is Sharon Jones's information" in harmed
    assert "Joint initial assessment with Dean Walsh" in responsible
    assert case.reference in harmed


def test_the_questions_are_shown_in_welsh_to_a_welsh_reader(world, signed_in, org, settings):
    world.case()
    client = signed_in(world.practitioner.user, org)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"

    shown = page_text(client.get(reverse("party_assess", args=[world.sharon.pk])))

    assert "Beth fu'r peth anoddaf i chi?" in shown
    assert "What has been the hardest thing for you?" not in shown


def test_assessment_answers_are_encrypted_at_rest(world, signed_in, org):
    case = world.case()
    client = signed_in(world.practitioner.user, org)

    response = client.post(
        reverse("party_assess", args=[world.sharon.pk]),
        {
            "q_hardest": "Walking past the shop where it happened",
            "q_impact": "",
            "needs": "Counselling for sleeplessness",
            "hopes": "An apology from Dean",
            "submission_id": "assess-1",
        },
    )

    assert response.status_code == 302
    with organisation_scope(org):
        assessment = m.Assessment.objects.get(party=world.sharon)
    assert assessment.answers == {"hardest": "Walking past the shop where it happened"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers::text, needs, hopes FROM cases_assessment WHERE id = %s",
            [assessment.pk],
        )
        raw = " ".join(str(v) for v in cursor.fetchone())
    for plain in ("Walking past the shop", "Counselling", "apology"):
        assert plain not in raw
    events = AuditEvent.objects.filter(action="case.party_assessed")
    assert "Walking past" not in str(list(events.values_list("changes", flat=True)))
    tab = page_text(client.get(reverse("case_assessment", args=[case.pk])))
    assert "Restorative questions: person harmed:" in tab


def test_an_empty_joint_assessment_is_refused_and_nothing_is_recorded(world, signed_in, org):
    world.case()
    client = signed_in(world.practitioner.user, org)

    response = client.post(reverse("party_assess", args=[world.dean.pk]), {"q_what_happened": ""})

    assert error_summary(response) == ["Record at least one answer, need or hope."]
    with organisation_scope(org):
        assert not m.Assessment.objects.exists()


# ---------------------------------------------------------------- suitability and principles


def test_a_suitability_decision_is_recorded_per_process(world, signed_in, org):
    case = world.case()
    client = signed_in(world.practitioner.user, org)

    refused = client.post(
        reverse("case_suitability", args=[case.pk]),
        {"process_kind": "face_to_face", "decision": "not_suitable", "reason": ""},
    )
    recorded = client.post(
        reverse("case_suitability", args=[case.pk]),
        {
            "process_kind": "face_to_face",
            "decision": "not_suitable",
            "reason": "Sharon does not want to meet.",
            "submission_id": "suit-1",
        },
    )

    assert error_summary(refused) == ["Explain the decision."]
    assert 'value="face_to_face" selected' in refused.content.decode()
    assert recorded.status_code == 302
    shown = page_text(client.get(reverse("case_assessment", args=[case.pk])))
    assert "Face-to-face meeting or conference Not suitable Sharon does not want to meet." in shown


PRINCIPLES = {
    "restoration": "Focus on repairing harm to Sharon.",
    "volunteerism": "Both chose to take part.",
    "neutrality": "Co-facilitated by a practitioner who knows neither.",
    "safety": "Risk signed off; separate waiting rooms.",
    "accessibility": "Ground-floor room; Welsh speaker available.",
    "respect": "Ground rules agreed with each.",
}


def test_every_principle_is_required_and_what_was_typed_is_kept(world, signed_in, org):
    case = world.case()
    client = signed_in(world.practitioner.user, org)
    partial = {k: v for k, v in PRINCIPLES.items() if k not in ("safety", "respect")}

    response = client.post(reverse("case_principles", args=[case.pk]), partial)

    assert response.status_code == 200
    assert error_summary(response) == ["Say how safety is upheld.", "Say how respect is upheld."]
    html = unescape(response.content.decode())
    for typed in partial.values():
        assert typed in html
    with organisation_scope(org):
        assert not m.PrinciplesChecklist.objects.exists()


def test_the_principles_checklist_is_recorded_and_shown(world, signed_in, org):
    case = world.case()
    client = signed_in(world.practitioner.user, org)

    response = client.post(
        reverse("case_principles", args=[case.pk]), {**PRINCIPLES, "submission_id": "p-1"}
    )

    assert response.status_code == 302
    with organisation_scope(org):
        assert workflow.principles_recorded(m.Case.objects.get(pk=case.pk))
    shown = page_text(client.get(reverse("case_assessment", args=[case.pk])))
    assert "Safety Risk signed off; separate waiting rooms." in shown
    again = unescape(client.get(reverse("case_principles", args=[case.pk])).content.decode())
    assert "Ground rules agreed with each." in again


# ---------------------------------------------------------------- who reaches the pages


def test_a_volunteer_on_the_case_sees_the_tab_but_not_the_handover_link_if_not_working(
    world, signed_in, org, media
):
    case = world.case(allocate=False)
    handover = _handover(world, case)

    manager_view = page(signed_in, world.manager, org, case)
    outsider = signed_in(world.outsider.user, org).get(reverse("case_assessment", args=[case.pk]))

    assert reverse("handover_download", args=[handover.pk]) in manager_view.content.decode()
    assert outsider.status_code == 404


# ---------------------------------------------------------------- fixed number of queries


def test_the_assessment_tab_runs_a_fixed_number_of_queries(
    world, signed_in, org, media, count_queries
):
    case = world.case(factors=["domestic-abuse"])
    client = signed_in(world.manager.user, org)
    url = reverse("case_assessment", args=[case.pk])
    small = count_queries(client, url)

    with organisation_scope(org):
        case.complexity_factors.add(*m.ComplexityFactor.objects.all())
        harmed = m.QuestionSet.objects.get(code="restorative-harmed")
        for n in range(4):
            party = actions.add_party(
                actor=world.manager.user,
                case=case,
                role=c.PartyRole.SUPPORTER,
                first_name=f"Supporter{n}",
                is_under_18=True,
            )
            world.risk(case, party=party)
            actions.record_assessment(
                actor=world.manager.user,
                party=party,
                question_set=harmed,
                answers={"hardest": "x"},
            )
            actions.record_suitability(
                actor=world.manager.user,
                case=case,
                process_kind=c.ProcessKind.values[n],
                decision=c.Suitability.SUITABLE,
                reason="ok",
            )
            actions.record_principles(actor=world.manager.user, case=case, considered=PRINCIPLES)
        for kind in c.SignOffKind.values:
            actions.record_signoff(
                actor=world.manager.user, case=case, kind=kind, specialist_service="Aid"
            )
    _handover(world, case)
    large = count_queries(client, url)

    assert large == small
