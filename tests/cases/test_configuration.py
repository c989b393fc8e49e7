"""Casework configuration as data: administrators edit case types and timelines, question sets and
complexity factors; every change is audited and a second editor never silently overwrites the first."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from mend.cases import actions, workflow
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.models import AuditEvent
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.pages import error_summary

pytestmark = pytest.mark.django_db

CRIMINAL_JUSTICE_DAYS = {
    "first_contact": 2,
    "assessment": 14,
    "preparation": 35,
    "process": 60,
    "follow_up": 90,
}


@pytest.fixture
def admin(org, make_member):
    return make_member(org, Role.ADMINISTRATOR, email="alys@home.test", full_name="Alys Admin")


@pytest.fixture
def criminal_justice(org):
    with organisation_scope(org):
        return m.CaseType.objects.get(code="criminal-justice")


def case_type_form(case_type, **changes):
    data = {
        "name": case_type.name,
        "name_cy": case_type.name_cy,
        "description": case_type.description,
        "enhanced_pathway": "yes" if case_type.enhanced_pathway else "no",
        "is_active": "yes" if case_type.is_active else "no",
        "version": case_type.version,
        **{f"days_{k}": v for k, v in CRIMINAL_JUSTICE_DAYS.items()},
    }
    data.update(changes)
    return data


def accepted_case(org, admin, case_type):
    with organisation_scope(org):
        case = actions.create_case(
            actor=admin.user, organisation=org, case_type=case_type, source=c.Source.INTERNAL
        )
        return actions.transition(actor=admin.user, case=case, name="accept")


def assessment_due(org, case) -> object:
    with organisation_scope(org):
        return m.Task.objects.get(case=case, kind="timeline:assessment").due_on


# ---------------------------------------------------------------- case types and timelines


def test_a_timeline_change_applies_to_new_cases_and_leaves_existing_tasks_alone(
    org, admin, criminal_justice, signed_in
):
    earlier = accepted_case(org, admin, criminal_justice)
    client = signed_in(admin.user, org)

    response = client.post(
        reverse("case_type_edit", args=[criminal_justice.pk]),
        case_type_form(criminal_justice, days_assessment=10),
    )

    assert response.status_code == 302
    later = accepted_case(org, admin, criminal_justice)
    today = timezone.localdate()
    assert assessment_due(org, earlier) == today + timedelta(days=14)
    assert assessment_due(org, later) == today + timedelta(days=10)
    event = AuditEvent.objects.get(action="casework.case_type_changed")
    assert event.actor == admin.user
    assert event.changes == {"step:assessment": [14, 10]}


def test_case_type_names_in_both_languages_and_pathway_are_edited_and_audited(
    org, admin, criminal_justice, signed_in
):
    client = signed_in(admin.user, org)

    client.post(
        reverse("case_type_edit", args=[criminal_justice.pk]),
        case_type_form(
            criminal_justice,
            name="Criminal justice (adult)",
            name_cy="Cyfiawnder troseddol (oedolion)",
            is_active="no",
        ),
    )

    with organisation_scope(org):
        edited = m.CaseType.objects.get(pk=criminal_justice.pk)
    assert (edited.name, edited.name_cy, edited.is_active, edited.version) == (
        "Criminal justice (adult)",
        "Cyfiawnder troseddol (oedolion)",
        False,
        2,
    )
    changes = AuditEvent.objects.get(action="casework.case_type_changed").changes
    assert changes["name"] == ["Criminal justice", "Criminal justice (adult)"]
    assert changes["is_active"] == [True, False]


def test_a_second_editor_of_a_case_type_is_told_and_nothing_is_overwritten(
    org, admin, criminal_justice, signed_in
):
    client = signed_in(admin.user, org)
    url = reverse("case_type_edit", args=[criminal_justice.pk])
    first = case_type_form(criminal_justice, name="First editor's name")
    second = case_type_form(criminal_justice, name="Second editor's name", days_process=70)

    client.post(url, first)
    response = client.post(url, second)

    assert response.status_code == 200
    assert error_summary(response)[0].startswith("Someone else changed this record")
    assert "Second editor&#x27;s name" in response.content.decode()
    with organisation_scope(org):
        kept = m.CaseType.objects.get(pk=criminal_justice.pk)
        assert kept.name == "First editor's name"
        assert kept.steps.get(kind="process").day_offset == 60


def test_timeline_steps_must_come_in_order(org, admin, criminal_justice, signed_in):
    response = signed_in(admin.user, org).post(
        reverse("case_type_edit", args=[criminal_justice.pk]),
        case_type_form(criminal_justice, days_preparation=5),
    )

    assert error_summary(response) == [
        "The steps must come in order: each one on or after the step before it."
    ]
    assert not AuditEvent.objects.filter(action="casework.case_type_changed").exists()


def test_only_administrators_configure_casework(org, admin, criminal_justice, make_member):
    manager = make_member(org, Role.MANAGER, email="morgan@home.test")
    with organisation_scope(org), pytest.raises(PermissionDenied):
        actions.update_case_type(
            actor=manager.user,
            case_type=criminal_justice,
            version=None,
            name="Changed by a manager",
        )


def test_managers_are_refused_the_settings_pages(org, make_member, signed_in, criminal_justice):
    manager = make_member(org, Role.MANAGER, email="morgan@home.test")
    client = signed_in(manager.user, org)

    assert client.get(reverse("case_type_list")).status_code == 403
    assert client.get(reverse("case_type_edit", args=[criminal_justice.pk])).status_code == 404


# ---------------------------------------------------------------- question sets


def test_questions_are_edited_as_lines_in_english_and_welsh(org, admin, signed_in):
    with organisation_scope(org):
        harmed = m.QuestionSet.objects.get(code="restorative-harmed")
    client = signed_in(admin.user, org)
    form = unescape(client.get(reverse("question_set_edit", args=[harmed.pk])).content.decode())

    response = client.post(
        reverse("question_set_edit", args=[harmed.pk]),
        {
            "version": harmed.version,
            "name": harmed.name,
            "party_role": "harmed",
            "is_active": "yes",
            "questions": "hardest | What has been hardest? | Beth fu anoddaf?\n\n"
            "support | Who supports you? |",
        },
    )

    assert "hardest | What has been the hardest thing for you? | Beth fu'r peth" in form
    assert response.status_code == 302
    with organisation_scope(org):
        harmed.refresh_from_db()
    assert harmed.questions == [
        {"key": "hardest", "en": "What has been hardest?", "cy": "Beth fu anoddaf?"},
        {"key": "support", "en": "Who supports you?", "cy": ""},
    ]
    event = AuditEvent.objects.get(action="casework.question_set_changed")
    assert event.changes["questions"][1] == ["hardest", "support"]


def test_badly_written_question_lines_are_explained_and_kept(org, admin, signed_in):
    with organisation_scope(org):
        harmed = m.QuestionSet.objects.get(code="restorative-harmed")
    typed = "Hardest Thing | What? | Beth?\nimpact only"

    response = signed_in(admin.user, org).post(
        reverse("question_set_edit", args=[harmed.pk]),
        {"name": harmed.name, "party_role": "harmed", "is_active": "yes", "questions": typed},
    )

    assert error_summary(response) == [
        "Line 1: the key may use only lower-case letters, digits and _ (at most 40).",
        "Line 2: write the key, the English and the Welsh, separated by |.",
    ]
    assert "impact only" in response.content.decode()


def test_a_question_set_changed_meanwhile_is_not_overwritten(org, admin):
    with organisation_scope(org):
        harmed = m.QuestionSet.objects.get(code="restorative-harmed")
        version = harmed.version
        actions.update_question_set(
            actor=admin.user,
            question_set=harmed,
            version=version,
            name="Renamed first",
            party_role="harmed",
            is_active=True,
            questions=harmed.questions,
        )
        with pytest.raises(ValidationError):
            actions.update_question_set(
                actor=admin.user,
                question_set=harmed,
                version=version,
                name="Renamed second",
                party_role="harmed",
                is_active=True,
                questions=harmed.questions,
            )
        assert m.QuestionSet.objects.get(pk=harmed.pk).name == "Renamed first"


# ---------------------------------------------------------------- complexity factors


def test_an_added_complexity_factor_brings_its_signoffs_to_cases(org, admin, signed_in):
    client = signed_in(admin.user, org)

    response = client.post(
        reverse("complexity_factor_create"),
        {
            "code": "weapon",
            "name": "Weapon involved",
            "name_cy": "Arf yn gysylltiedig",
            "signoffs": ["advanced", "manager"],
        },
    )

    assert response.status_code == 302
    with organisation_scope(org):
        factor = m.ComplexityFactor.objects.get(code="weapon")
        case = actions.create_case(
            actor=admin.user,
            organisation=org,
            case_type=m.CaseType.objects.get(code="community"),
            source=c.Source.INTERNAL,
            complexity_factors=[factor],
        )
        assert workflow.required_signoffs(case) == ["risk", "advanced", "manager"]
    event = AuditEvent.objects.get(action="casework.complexity_factor_added")
    assert event.changes["needs_manager_signoff"] == [None, True]


def test_editing_a_factor_changes_what_its_cases_need_and_is_audited(org, admin, signed_in):
    with organisation_scope(org):
        hate = m.ComplexityFactor.objects.get(code="hate-crime")
        case = actions.create_case(
            actor=admin.user,
            organisation=org,
            case_type=m.CaseType.objects.get(code="community"),
            source=c.Source.INTERNAL,
            complexity_factors=[hate],
        )
    client = signed_in(admin.user, org)

    response = client.post(
        reverse("complexity_factor_edit", args=[hate.pk]),
        {
            "version": hate.version,
            "name": "Hate crime",
            "name_cy": "Trosedd casineb",
            "signoffs": ["advanced", "specialist"],
        },
    )

    assert response.status_code == 302
    with organisation_scope(org):
        assert workflow.required_signoffs(m.Case.objects.get(pk=case.pk)) == [
            "risk",
            "advanced",
            "specialist",
        ]
    event = AuditEvent.objects.get(action="casework.complexity_factor_changed")
    assert event.changes == {"needs_specialist_consultation": [False, True]}


def test_a_factor_code_is_unique_in_the_organisation(org, admin, signed_in):
    response = signed_in(admin.user, org).post(
        reverse("complexity_factor_create"),
        {"code": "hate-crime", "name": "Another hate crime", "signoffs": ["advanced"]},
    )

    assert error_summary(response) == ["Another complexity factor already uses this code."]
    assert "Another hate crime" in response.content.decode()


# ---------------------------------------------------------------- fixed number of queries


@pytest.mark.parametrize("name", ["case_type_list", "question_set_list", "complexity_factor_list"])
def test_settings_lists_run_a_fixed_number_of_queries(org, admin, signed_in, name, count_queries):
    client = signed_in(admin.user, org)
    small = count_queries(client, reverse(name))

    with organisation_scope(org):
        for n in range(5):
            case_type = m.CaseType.objects.create(organisation=org, code=f"extra-{n}", name=f"X{n}")
            for kind in c.TimelineStepKind.values:
                m.TimelineStep.objects.create(
                    organisation=org, case_type=case_type, kind=kind, day_offset=n
                )
            m.QuestionSet.objects.create(organisation=org, code=f"extra-{n}", name=f"Q{n}")
            m.ComplexityFactor.objects.create(organisation=org, code=f"extra-{n}", name=f"F{n}")
    large = count_queries(client, reverse(name))

    assert large == small
