"""Casework pages: the case list, a case's overview, transitions (every guard refuses with its
reason), allocation, caseload, the Victims' Code dashboard and tasks."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.models import AccessLog, AuditEvent
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.core.tests_support import make_member
from tests import builders

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- building cases


def new_case(org, actor, type_code="criminal-justice", **kwargs) -> m.Case:
    kwargs.setdefault("summary", "A window was broken.")
    return builders.new_case(org, actor, type_code, **kwargs)


def refreshed(org, case) -> m.Case:
    with organisation_scope(org):
        return m.Case.objects.get(pk=case.pk)


def accepted_with_lead(org, admin, lead, case) -> m.Case:
    with organisation_scope(org):
        case = actions.transition(actor=admin.user, case=case, name="accept")
        actions.allocate(actor=admin.user, case=case, membership=lead, role=c.AllocationRole.LEAD)
        return refreshed(org, case)


def in_assessment(org, admin, lead, case) -> m.Case:
    case = accepted_with_lead(org, admin, lead, case)
    with organisation_scope(org):
        return actions.transition(actor=admin.user, case=case, name="start_assessment")


def add_principals(org, admin, case, *, under_18=False):
    harmed = builders.add_party(admin.user, case, c.PartyRole.HARMED, "Harriet", "Harmed")
    responsible = builders.add_party(
        admin.user, case, c.PartyRole.RESPONSIBLE, "Robin", "Responsible", is_under_18=under_18
    )
    return harmed, responsible


def assess(org, admin, party):
    with organisation_scope(org):
        code = (
            "restorative-harmed" if party.role == c.PartyRole.HARMED else "restorative-responsible"
        )
        question_set = m.QuestionSet.objects.get(code=code)
        actions.record_assessment(
            actor=admin.user,
            party=party,
            question_set=question_set,
            answers={question_set.questions[0]["key"]: "They talked it through."},
        )


def consent(org, admin, party):
    return builders.give_consent(admin.user, party)


def risk_assessed(org, admin, case):
    with organisation_scope(org):
        actions.record_risk_assessment(actor=admin.user, case=case, level=c.RiskLevel.LOW)


def sign_off(org, admin, case, kind):
    with organisation_scope(org):
        actions.record_signoff(
            actor=admin.user,
            case=case,
            kind=kind,
            specialist_service="Local domestic abuse service"
            if kind == c.SignOffKind.SPECIALIST
            else "",
        )


def ready_for_preparation(org, admin, lead, case, *, skip=(), under_18=False):
    """A case in assessment with everything preparation needs, except what `skip` names."""
    case = in_assessment(org, admin, lead, case)
    harmed, responsible = add_principals(org, admin, case, under_18=under_18)
    for party in (harmed, responsible):
        if "assessment" not in skip:
            assess(org, admin, party)
        if "consent" not in skip:
            consent(org, admin, party)
    if "risk" not in skip:
        risk_assessed(org, admin, case)
        if "risk_signoff" not in skip:
            sign_off(org, admin, case, c.SignOffKind.RISK)
    return refreshed(org, case), harmed, responsible


def in_preparation(org, admin, lead, case):
    case, harmed, responsible = ready_for_preparation(org, admin, lead, case)
    with organisation_scope(org):
        case = actions.transition(actor=admin.user, case=case, name="start_preparation")
    return case, harmed, responsible


# ---------------------------------------------------------------- reading pages


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def refusal_reasons(response) -> list[str]:
    """The items of the page's error summary, as text."""
    body = response.content.decode()
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', body, re.S)
    assert found, "the page shows no error summary"
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


@pytest.fixture
def admin(org):
    return make_member(org, Role.ADMINISTRATOR, full_name="Ada Administrator")


@pytest.fixture
def lead(org):
    return make_member(org, Role.PRACTITIONER, full_name="Pat Practitioner")


@pytest.fixture
def admin_client(signed_in, admin, org):
    return signed_in(admin.user, org)


def transition_post(client, case, name, **data):
    return client.post(
        reverse("case_transition", args=[case.pk, name]), {"version": case.version, **data}
    )


# ---------------------------------------------------------------- the case list


def test_the_case_lists_case_type_filter_names_each_type_in_the_readers_language(org, admin_client):
    with organisation_scope(org):
        m.CaseType.objects.filter(code="criminal-justice").update(name_cy="Cyfiawnder troseddol")
    admin_client.cookies["mend_language"] = "cy"

    body = admin_client.get(reverse("case_list")).content.decode()

    assert ">Cyfiawnder troseddol</option>" in body


def test_case_list_shows_reference_type_status_lead_team_and_next_task(
    org, admin, lead, admin_client
):
    case = accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    other = new_case(org, admin.user, type_code="school")

    response = admin_client.get(reverse("case_list"))

    text = page_text(response)
    assert response.status_code == 200
    assert case.reference in text and other.reference in text
    assert "Pat Practitioner" in text
    assert "Criminal justice" in text and "School" in text
    first_contact = (timezone.localdate() + timedelta(days=2)).strftime("%-d %b %Y")
    assert first_contact in text


def test_case_list_filters_by_status_type_and_mine(org, admin, lead, signed_in):
    accepted = accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    referred = new_case(org, admin.user, type_code="school")
    client = signed_in(admin.user, org)

    by_status = page_text(client.get(reverse("case_list"), {"status": "accepted"}))
    with organisation_scope(org):
        school = m.CaseType.objects.get(code="school")
    by_type = page_text(client.get(reverse("case_list"), {"case_type": school.pk}))
    mine = page_text(signed_in(lead.user, org).get(reverse("case_list"), {"mine": "on"}))

    assert accepted.reference in by_status and referred.reference not in by_status
    assert referred.reference in by_type and accepted.reference not in by_type
    assert accepted.reference in mine and referred.reference not in mine


def test_case_list_pages_by_keyset_fifty_at_a_time(org, admin, admin_client):
    cases = [new_case(org, admin.user) for _ in range(52)]

    first = admin_client.get(reverse("case_list"))
    next_url = re.search(r'href="([^"]*after=[^"]*)" rel="next"', first.content.decode())
    second = admin_client.get(html.unescape(next_url.group(1)))

    newest_first = [case.reference for case in reversed(cases)]
    assert all(ref in page_text(first) for ref in newest_first[:50])
    assert not any(ref in page_text(first) for ref in newest_first[50:])
    assert all(ref in page_text(second) for ref in newest_first[50:])
    assert 'rel="next"' not in second.content.decode()


def test_case_list_runs_the_same_queries_for_3_or_60_cases(
    org, admin, lead, admin_client, count_queries
):
    for _ in range(3):
        accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    few = count_queries(admin_client, reverse("case_list"))
    for _ in range(57):
        accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    many = count_queries(admin_client, reverse("case_list"))
    assert few == many


# ---------------------------------------------------------------- the overview


def test_overview_shows_the_case_and_records_that_the_summary_was_viewed(
    org, admin, lead, admin_client
):
    case = accepted_with_lead(
        org,
        admin,
        lead,
        new_case(
            org,
            admin.user,
            source=c.Source.AGENCY,
            referring_agency="Gwent Police",
            factors=["hate-crime"],
            summary="Graffiti on the community centre.",
        ),
    )

    response = admin_client.get(reverse("case_detail", args=[case.pk]))

    text = page_text(response)
    assert response.status_code == 200
    assert f"Case {case.reference}" in text
    assert "Gwent Police" in text and "Hate crime" in text
    assert "Graffiti on the community centre." in text
    assert "Pat Practitioner" in text and "Lead practitioner" in text
    assert reverse("case_transition", args=[case.pk, "start_assessment"]) in text
    with organisation_scope(org):
        log = AccessLog.objects.get(object_type="cases.case", object_id=str(case.pk))
    assert log.user == admin.user and log.kind == "view"


def test_overview_flags_an_external_coworker(org, admin, lead, admin_client):
    external = make_member(org, Role.EXTERNAL_COWORKER, full_name="Evan External")
    case = accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    with organisation_scope(org):
        actions.allocate(
            actor=admin.user, case=case, membership=external, role=c.AllocationRole.CO_WORKER
        )

    text = page_text(admin_client.get(reverse("case_detail", args=[case.pk])))

    assert "Evan External" in text and "External co-worker" in text


def test_overview_shows_the_pause_reason(org, admin, admin_client):
    case = new_case(org, admin.user)
    with organisation_scope(org):
        actions.transition(actor=admin.user, case=case, name="pause", reason="Awaiting trial")

    text = page_text(admin_client.get(reverse("case_detail", args=[case.pk])))

    assert "Paused" in text and "Awaiting trial" in text


def test_overview_runs_the_same_queries_however_much_the_case_holds(
    org, admin, lead, admin_client, count_queries
):
    small = accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    big = accepted_with_lead(
        org, admin, lead, new_case(org, admin.user, factors=["hate-crime", "under-18"])
    )
    with organisation_scope(org):
        for n in range(6):
            member = make_member(org, Role.VOLUNTEER, email=f"volunteer{n}@example.test")
            actions.allocate(
                actor=admin.user, case=big, membership=member, role=c.AllocationRole.OBSERVER
            )
        for _ in range(5):
            big = actions.transition(actor=admin.user, case=big, name="pause", reason="Waiting")
            big = actions.transition(actor=admin.user, case=big, name="resume")
        for n in range(10):
            m.Task.objects.create(
                organisation=org, case=big, title=f"Call back {n}", due_on=timezone.localdate()
            )

    few = count_queries(admin_client, reverse("case_detail", args=[small.pk]))
    many = count_queries(admin_client, reverse("case_detail", args=[big.pk]))

    assert few == many


def test_who_viewed_or_changed_the_case_is_open_to_managers(org, admin, signed_in):
    case = new_case(org, admin.user)
    manager = make_member(org, Role.MANAGER)
    client = signed_in(manager.user, org)
    client.get(reverse("case_detail", args=[case.pk]))

    response = client.get(reverse("record_history", args=["cases.case", case.pk]))

    assert response.status_code == 200
    assert "case.referred" in page_text(response)


# ---------------------------------------------------------------- transitions: every guard


def test_accepting_the_enhanced_pathway_needs_the_request_of_the_person_harmed(
    org, admin, admin_client
):
    case = new_case(
        org,
        admin.user,
        type_code="domestic-sexual-harm",
        source=c.Source.AGENCY,
        referring_agency="Probation",
    )

    response = transition_post(admin_client, case, "accept")

    assert response.status_code == 400
    assert refusal_reasons(response) == [
        "The domestic or sexual harm pathway can only begin at the request of the person "
        "harmed. Record that they asked for it."
    ]
    assert refreshed(org, case).status == c.Status.REFERRED


def test_starting_assessment_needs_a_lead_practitioner(org, admin, admin_client):
    case = new_case(org, admin.user)
    with organisation_scope(org):
        case = actions.transition(actor=admin.user, case=case, name="accept")

    response = transition_post(admin_client, case, "start_assessment")

    assert refusal_reasons(response) == ["Allocate a lead practitioner first."]
    assert refreshed(org, case).status == c.Status.ACCEPTED


def test_the_confirm_page_lists_what_is_still_missing_before_anyone_presses(
    org, admin, admin_client
):
    case = new_case(org, admin.user)
    with organisation_scope(org):
        case = actions.transition(actor=admin.user, case=case, name="accept")

    response = admin_client.get(reverse("case_transition", args=[case.pk, "start_assessment"]))

    assert response.status_code == 200
    assert "Allocate a lead practitioner first." in page_text(response)


def test_preparation_needs_the_parties(org, admin, lead, admin_client):
    case = in_assessment(org, admin, lead, new_case(org, admin.user))
    risk_assessed(org, admin, case)
    sign_off(org, admin, case, c.SignOffKind.RISK)

    response = transition_post(admin_client, refreshed(org, case), "start_preparation")

    assert refusal_reasons(response) == ["Add the parties to the case."]


@pytest.mark.parametrize(
    ("skip", "expected"),
    [
        (
            "assessment",
            [
                "Harriet Harmed (person harmed) has not been assessed yet.",
                "Robin Responsible (person responsible) has not been assessed yet.",
            ],
        ),
        (
            "consent",
            [
                "Harriet Harmed (person harmed) has not given (or has withdrawn) consent to "
                "take part.",
                "Robin Responsible (person responsible) has not given (or has withdrawn) "
                "consent to take part.",
            ],
        ),
        ("risk", ["Record the practitioners' risk assessment.", "Risk sign-off is missing."]),
        ("risk_signoff", ["Risk sign-off is missing."]),
    ],
)
def test_preparation_refuses_with_exactly_what_is_missing(
    org, admin, lead, admin_client, skip, expected
):
    case, _harmed, _responsible = ready_for_preparation(
        org, admin, lead, new_case(org, admin.user), skip={skip}
    )

    response = transition_post(admin_client, case, "start_preparation")

    assert response.status_code == 400
    assert refusal_reasons(response) == expected
    assert refreshed(org, case).status == c.Status.ASSESSMENT


def test_a_complexity_factor_needs_an_advanced_practitioners_signoff(
    org, admin, lead, admin_client
):
    case, _h, _r = ready_for_preparation(
        org, admin, lead, new_case(org, admin.user, factors=["hate-crime"])
    )

    refused = transition_post(admin_client, case, "start_preparation")
    sign_off(org, admin, case, c.SignOffKind.ADVANCED)
    accepted = transition_post(admin_client, refreshed(org, case), "start_preparation")

    assert refusal_reasons(refused) == ["Advanced practitioner sign-off is missing."]
    assert accepted.status_code == 302
    assert refreshed(org, case).status == c.Status.PREPARATION


def test_a_party_under_18_needs_an_advanced_practitioners_signoff(org, admin, lead, admin_client):
    case, _h, _r = ready_for_preparation(org, admin, lead, new_case(org, admin.user), under_18=True)

    response = transition_post(admin_client, case, "start_preparation")

    assert refusal_reasons(response) == ["Advanced practitioner sign-off is missing."]


def test_the_enhanced_pathway_needs_advanced_specialist_and_manager_signoff(
    org, admin, lead, admin_client
):
    case = new_case(org, admin.user, type_code="domestic-sexual-harm", harmed_initiated=True)
    case, _h, _r = ready_for_preparation(org, admin, lead, case)

    response = transition_post(admin_client, case, "start_preparation")

    assert refusal_reasons(response) == [
        "Advanced practitioner sign-off is missing.",
        "Specialist consultation is missing.",
        "Manager sign-off is missing.",
    ]


def test_the_process_needs_a_process_chosen(org, admin, lead, admin_client):
    case, _h, _r = in_preparation(org, admin, lead, new_case(org, admin.user))

    response = transition_post(admin_client, case, "start_process")

    assert refusal_reasons(response) == ["Choose a process from the menu of services first."]


def test_the_process_needs_a_suitability_decision(org, admin, lead, admin_client):
    case, harmed, responsible = in_preparation(org, admin, lead, new_case(org, admin.user))
    with organisation_scope(org):
        actions.choose_process(
            actor=admin.user, case=case, kind=c.ProcessKind.LETTER, parties=[harmed, responsible]
        )

    response = transition_post(admin_client, case, "start_process")

    assert refusal_reasons(response) == ["Written correspondence has not been judged suitable."]


def test_a_direct_process_needs_preparation_principles_and_everyones_consent(
    org, admin, lead, admin_client
):
    case, harmed, responsible = in_preparation(org, admin, lead, new_case(org, admin.user))
    with organisation_scope(org):
        supporter = actions.add_party(
            actor=admin.user,
            case=case,
            role=c.PartyRole.SUPPORTER,
            first_name="Sam",
            last_name="Supporter",
        )
        actions.record_suitability(
            actor=admin.user,
            case=case,
            process_kind=c.ProcessKind.FACE_TO_FACE,
            decision=c.Suitability.SUITABLE,
            reason="Both want to meet.",
        )
        actions.choose_process(
            actor=admin.user,
            case=case,
            kind=c.ProcessKind.FACE_TO_FACE,
            parties=[harmed, responsible, supporter],
        )

    response = transition_post(admin_client, case, "start_process")

    assert refusal_reasons(response) == [
        "No preparation meeting has been held with Harriet Harmed (person harmed).",
        "No preparation meeting has been held with Robin Responsible (person responsible).",
        "Sam Supporter (supporter) has not given (or has withdrawn) consent to take part.",
        "No preparation meeting has been held with Sam Supporter (supporter).",
        "The guiding principles checklist (restoration, volunteerism, neutrality, safety, "
        "accessibility, respect) has not been recorded.",
    ]
    assert refreshed(org, case).status == c.Status.PREPARATION


def test_closing_needs_a_reason_and_keeps_what_was_typed(org, admin, admin_client):
    case = new_case(org, admin.user)

    no_notes = transition_post(admin_client, case, "close", closure_reason="unable_to_contact")
    no_reason = transition_post(admin_client, case, "close", reason="They moved away.")

    assert refusal_reasons(no_notes) == ["Give a reason."]
    assert refusal_reasons(no_reason) == ["Choose why the case is closing."]
    assert "They moved away." in page_text(no_reason)
    assert refreshed(org, case).status == c.Status.REFERRED


def test_closing_with_a_reason_closes_the_case(org, admin, admin_client):
    case = new_case(org, admin.user)

    response = transition_post(
        admin_client, case, "close", closure_reason="unable_to_contact", reason="No reply."
    )

    case = refreshed(org, case)
    assert response.status_code == 302
    assert case.status == c.Status.CLOSED and case.closure_reason == "unable_to_contact"


def test_resuming_after_a_withdrawal_needs_consent_given_again(org, admin, lead, admin_client):
    case, harmed, _responsible = in_preparation(org, admin, lead, new_case(org, admin.user))
    with organisation_scope(org):
        given = m.Consent.objects.get(party=harmed, scope=c.ConsentScope.TAKE_PART)
        actions.withdraw_consent(actor=admin.user, consent=given, method=c.ConsentMethod.VERBAL)
    case = refreshed(org, case)

    refused = transition_post(admin_client, case, "resume")
    consent(org, admin, harmed)
    resumed = transition_post(admin_client, refreshed(org, case), "resume")

    assert refusal_reasons(refused) == [
        "Harriet Harmed (person harmed) has not given (or has withdrawn) consent to take part."
    ]
    assert resumed.status_code == 302
    assert refreshed(org, case).status == c.Status.PREPARATION


def test_a_stale_confirmation_changes_nothing_and_says_so(org, admin, signed_in):
    case = new_case(org, admin.user)
    client = signed_in(admin.user, org)
    seen_version = case.version
    colleague = make_member(org, Role.MANAGER)
    with organisation_scope(org):
        actions.transition(actor=colleague.user, case=case, name="pause", reason="On hold")

    response = client.post(
        reverse("case_transition", args=[case.pk, "close"]),
        {"version": seen_version, "closure_reason": "other", "reason": "Done with it."},
    )

    assert response.status_code == 400
    assert refusal_reasons(response) == [
        "Someone else changed this case while you were looking at it. Nothing was changed: "
        "check the case and try again."
    ]
    assert "Done with it." in page_text(response)
    case = refreshed(org, case)
    assert case.status == c.Status.PAUSED
    with organisation_scope(org):
        assert not m.StatusChange.objects.filter(case=case, transition="close").exists()


def test_a_double_submitted_transition_happens_once(org, admin, admin_client):
    case = new_case(org, admin.user)
    data = {"version": case.version, "reason": "Waiting for trial", "submission_id": "abc123"}
    url = reverse("case_transition", args=[case.pk, "pause"])

    first = admin_client.post(url, data)
    second = admin_client.post(url, data)

    assert first.status_code == second.status_code == 302
    with organisation_scope(org):
        assert m.StatusChange.objects.filter(case=case, transition="pause").count() == 1


def test_a_practitioner_cannot_reach_accept(org, admin, lead, signed_in):
    case = accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    client = signed_in(lead.user, org)

    assert client.get(reverse("case_transition", args=[case.pk, "accept"])).status_code == 404
    assert client.get(reverse("case_transition", args=[case.pk, "pause"])).status_code == 200


# ---------------------------------------------------------------- allocation


def test_an_external_coworker_sees_only_the_case_they_are_allocated_to(
    org, admin, admin_client, signed_in
):
    external = make_member(org, Role.EXTERNAL_COWORKER, full_name="Evan External")
    theirs = new_case(org, admin.user)
    other = new_case(org, admin.user)

    allocated = admin_client.post(
        reverse("case_allocate", args=[theirs.pk]),
        {"membership": external.pk, "role": c.AllocationRole.CO_WORKER},
    )
    client = signed_in(external.user, org)
    listing = page_text(client.get(reverse("case_list")))

    assert allocated.status_code == 302
    assert theirs.reference in listing and other.reference not in listing
    assert client.get(reverse("case_detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("case_detail", args=[other.pk])).status_code == 404


def test_an_external_coworker_cannot_be_the_lead(org, admin, admin_client):
    external = make_member(org, Role.EXTERNAL_COWORKER)
    case = new_case(org, admin.user)

    response = admin_client.post(
        reverse("case_allocate", args=[case.pk]),
        {"membership": external.pk, "role": c.AllocationRole.LEAD},
    )

    assert response.status_code == 400
    assert "A lead practitioner must be a practitioner." in page_text(response)


def test_ending_an_allocation_takes_the_case_away(org, admin, lead, admin_client, signed_in):
    case = accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    with organisation_scope(org):
        allocation = m.Allocation.objects.get(case=case, membership=lead, ended_on=None)

    admin_client.post(reverse("case_allocate", args=[case.pk]), {"end": allocation.pk})

    client = signed_in(lead.user, org)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404


def test_a_double_submitted_allocation_allocates_once(org, admin, lead, admin_client):
    case = new_case(org, admin.user)
    data = {"membership": lead.pk, "role": c.AllocationRole.LEAD, "submission_id": "once"}

    admin_client.post(reverse("case_allocate", args=[case.pk]), data)
    admin_client.post(reverse("case_allocate", args=[case.pk]), data)

    with organisation_scope(org):
        assert m.Allocation.objects.filter(case=case).count() == 1


# ---------------------------------------------------------------- caseload and dashboard


def test_caseload_counts_open_cases_by_status_and_overdue_tasks(org, admin, lead, admin_client):
    first = accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    in_assessment(org, admin, lead, new_case(org, admin.user))
    with organisation_scope(org):
        m.Task.objects.create(
            organisation=org,
            case=first,
            title="Ring back",
            assignee=lead,
            due_on=timezone.localdate() - timedelta(days=3),
        )

    response = admin_client.get(reverse("caseload"))

    row = re.search(
        r"<tr[^>]*>\s*<th[^>]*>Pat Practitioner.*?</tr>", response.content.decode(), re.S
    )
    cells = [
        html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(0), re.S)
    ]
    assert cells[1] == ["2"]  # open cases
    assert cells[2] == ["2"]  # as lead
    assert "Accepted:" in cells[3] and "Assessment:" in cells[3]
    assert cells[4] == ["1"]  # overdue tasks


def test_caseload_runs_the_same_queries_for_3_or_60_cases(org, admin, admin_client, count_queries):
    practitioners = [
        make_member(org, Role.PRACTITIONER, email=f"p{n}@example.test") for n in range(3)
    ]
    for n in range(3):
        accepted_with_lead(org, admin, practitioners[n % 3], new_case(org, admin.user))
    few = count_queries(admin_client, reverse("caseload"))
    practitioners += [
        make_member(org, Role.PRACTITIONER, email=f"q{n}@example.test") for n in range(5)
    ]
    for n in range(57):
        accepted_with_lead(org, admin, practitioners[n % 8], new_case(org, admin.user))
    many = count_queries(admin_client, reverse("caseload"))
    assert few == many


def test_caseload_is_for_managers_only(org, lead, signed_in):
    assert signed_in(lead.user, org).get(reverse("caseload")).status_code == 403


def test_dashboard_shows_my_tasks_due_soonest_and_my_cases(org, admin, lead, signed_in):
    case = accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    other = new_case(org, admin.user)

    response = signed_in(lead.user, org).get(reverse("casework_dashboard"))

    text = page_text(response)
    assert response.status_code == 200
    titles = re.findall(r'<td class="govuk-table__cell">(First contact|Assessment|Follow-up)', text)
    assert titles[:2] == ["First contact", "Assessment"]
    assert case.reference in text and other.reference not in text
    assert "the day the crime was reported is day 0" in text


def test_dashboard_says_when_it_shows_only_the_first_of_my_tasks_and_cases(
    org, admin, lead, signed_in, settings
):
    settings.MEND_PAGE_SIZE = 2
    client = signed_in(lead.user, org)
    accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    accepted_with_lead(org, admin, lead, new_case(org, admin.user))

    two_cases = page_text(client.get(reverse("casework_dashboard")))
    accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    three_cases = page_text(client.get(reverse("casework_dashboard")))

    assert "of your open cases; the case list has them all" not in two_cases
    assert "These are 2 of your open cases; the case list has them all." in three_cases
    assert "These are your 2 tasks due soonest; you have more on your cases." in three_cases


def test_dashboard_runs_the_same_queries_for_3_or_60_cases(
    org, admin, lead, signed_in, count_queries
):
    reported = timezone.localdate() - timedelta(days=20)

    def make(n):
        for _ in range(n):
            accepted_with_lead(
                org,
                admin,
                lead,
                new_case(
                    org, admin.user, justice_stage=c.JusticeStage.PRE_CHARGE, reported_on=reported
                ),
            )

    client = signed_in(lead.user, org)
    make(3)
    few = count_queries(client, reverse("casework_dashboard"))
    make(57)
    many = count_queries(client, reverse("casework_dashboard"))
    assert few == many


# ---------------------------------------------------------------- tasks and clock dates


def test_marking_a_task_done_records_it_and_audits(org, admin, lead, signed_in):
    case = accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    with organisation_scope(org):
        task = m.Task.objects.filter(case=case).first()

    response = signed_in(lead.user, org).post(reverse("task_done", args=[task.pk]))

    assert response.status_code == 302
    with organisation_scope(org):
        task.refresh_from_db()
        assert task.done_on == timezone.localdate()
        assert AuditEvent.objects.filter(action="case.task_done", object_id=str(case.pk)).exists()


def test_someone_not_on_the_case_cannot_mark_its_task_done(org, admin, lead, signed_in):
    case = accepted_with_lead(org, admin, lead, new_case(org, admin.user))
    stranger = make_member(org, Role.PRACTITIONER, email="stranger@example.test")
    with organisation_scope(org):
        task = m.Task.objects.filter(case=case).first()

    response = signed_in(stranger.user, org).post(reverse("task_done", args=[task.pk]))

    assert response.status_code == 404
    with organisation_scope(org):
        task.refresh_from_db()
        assert task.done_on is None


def test_recording_information_offered_meets_the_clock(org, admin, admin_client):
    reported = timezone.localdate() - timedelta(days=1)
    case = new_case(org, admin.user, justice_stage=c.JusticeStage.PRE_CHARGE, reported_on=reported)

    response = admin_client.post(
        reverse("case_clock_done", args=[case.pk, "information"]),
        {"information-on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 302
    assert refreshed(org, case).information_offered_on == timezone.localdate()
    text = page_text(admin_client.get(reverse("case_detail", args=[case.pk])))
    assert "Met" in text


def test_a_clock_date_in_the_future_is_refused_and_kept(org, admin, admin_client):
    case = new_case(
        org,
        admin.user,
        justice_stage=c.JusticeStage.PRE_CHARGE,
        reported_on=timezone.localdate(),
    )
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = admin_client.post(
        reverse("case_clock_done", args=[case.pk, "support"]), {"support-on": tomorrow}
    )

    assert response.status_code == 400
    assert refusal_reasons(response) == ["The date cannot be in the future."]
    assert f'value="{tomorrow}"' in response.content.decode()
    assert refreshed(org, case).support_referred_on is None
