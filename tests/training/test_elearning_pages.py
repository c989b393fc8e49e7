"""E-learning pages: public sign-up (two-step sign-in optional only for learner accounts), the
learner's journey with progress saved, isolation between learners, the authoring pages, CPD, and
fixed query counts for the lists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from mend.core import actions as core_actions
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.core.tests_support import PASSWORD
from mend.training import actions
from mend.training import models as m
from tests.pages import error_summary, page_text
from tests.training.elearning_support import answers, finish_lessons, learner, published_module
from tests.training.support import school_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(org, make_member):
    return make_member(org, Role.MANAGER).user


@pytest.fixture
def module(manager, org):
    return published_module(manager, org, questions=4, pass_mark=75)


def learn(name, org, *args):
    return reverse(name, args=[org.slug, *args])


def _lessons(module):
    with organisation_scope(module.organisation):
        return list(m.Lesson.objects.filter(module=module).order_by("position"))


def _attempts(enrolment):
    with organisation_scope(enrolment.organisation):
        return list(m.QuizAttempt.objects.filter(enrolment_id=enrolment.pk))


# ---------------------------------------------------------------- sign-up and two-step sign-in


def _join(client, org, **overrides):
    data = {
        "full_name": "Alex Learner",
        "email": "Alex.Learner@example.test",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "language": "cy",
        **overrides,
    }
    return client.post(learn("training_learn_join", org), data)


def test_signing_up_makes_a_learner_account_and_signs_the_person_in(client, org, module):
    assert client.get(learn("training_learn_join", org)).status_code == 200
    response = _join(client, org)
    assert response.status_code == 302
    assert response["Location"] == learn("training_learn_catalogue", org)
    user = get_user_model().objects.get(email="alex.learner@example.test")
    assert user.is_learner_account
    assert user.preferred_language == "cy"
    assert user.check_password(PASSWORD)
    with organisation_scope(org):
        assert m.Learner.objects.get(user=user).name == "Alex Learner"
    # Signed in, with no second factor, and the learner's pages open.
    dashboard = client.get(learn("training_learn_dashboard", org))
    assert dashboard.status_code == 200


def test_signing_up_with_an_email_that_has_an_account_says_to_sign_in(client, org, make_member):
    make_member(org, Role.PRACTITIONER, email="alex.learner@example.test")
    response = _join(client, org)
    assert response.status_code == 200
    assert error_summary(response) == [
        "There is already an account with this email address. Sign in instead, then come back "
        "to enrol."
    ]
    assert get_user_model().objects.filter(email__iexact="alex.learner@example.test").count() == 1
    assert "_auth_user_id" not in client.session


def test_signing_up_needs_matching_passwords(client, org):
    response = _join(client, org, password2="something else entirely 99")
    assert "The two passwords do not match." in error_summary(response)
    assert not get_user_model().objects.filter(email="alex.learner@example.test").exists()


def test_a_learner_account_reaches_its_dashboard_without_two_step_sign_in(
    client, signed_in, org, module
):
    user = learner(org)
    signed_in(user)
    response = client.get(learn("training_learn_dashboard", org))
    assert response.status_code == 200
    assert "My learning" in page_text(response)


def test_the_same_person_must_set_up_two_step_sign_in_once_they_become_a_member(
    client, signed_in, org, module
):
    user = learner(org)
    with organisation_scope(org):
        core_actions.add_member(organisation=org, user=user, role=Role.VOLUNTEER)
    signed_in(user, org)
    response = client.get(learn("training_learn_dashboard", org))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_signed_in_person_is_not_offered_a_second_account(client, signed_in, org):
    signed_in(learner(org))
    response = client.get(learn("training_learn_join", org))
    assert response.status_code == 200
    assert "you do not need another account" in page_text(response)
    assert 'name="password1"' not in response.content.decode()


def test_learner_pages_ask_anonymous_visitors_to_sign_in(client, org):
    response = client.get(learn("training_learn_dashboard", org))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_organisation_has_no_catalogue(client):
    assert client.get(reverse("training_learn_catalogue", args=["nowhere"])).status_code == 404


# ---------------------------------------------------------------- the catalogue


def test_the_catalogue_shows_published_modules_open_to_the_public(client, org, manager, module):
    with organisation_scope(org):
        actions.create_module(
            actor=manager, organisation=org, title="Draft module", cpd_hours=Decimal("1")
        )
    members_only = published_module(manager, org, title="Staff induction", open_to_public=False)
    assert members_only.open_to_public is False
    text = page_text(client.get(learn("training_learn_catalogue", org)))
    assert "Restorative conversations" in text
    assert "CPD hours 2.5" in text
    assert "Draft module" not in text
    assert "Staff induction" not in text


def test_members_also_see_their_organisations_members_only_modules(
    client, signed_in, org, manager, module
):
    published_module(manager, org, title="Staff induction", open_to_public=False)
    signed_in(manager, org)
    assert "Staff induction" in page_text(client.get(learn("training_learn_catalogue", org)))


# ---------------------------------------------------------------- the learner's journey


def test_progress_is_saved_lesson_by_lesson_and_the_module_page_resumes_there(
    client, signed_in, org, module
):
    user = learner(org)
    signed_in(user)
    response = client.post(learn("training_learn_enrol", org, module.pk))
    with organisation_scope(org):
        enrolment = m.Enrolment.objects.get(learner__user=user, module=module)
    overview = learn("training_learn_module", org, enrolment.pk)
    assert response["Location"] == overview
    first, second = _lessons(module)

    page = client.get(learn("training_learn_lesson", org, enrolment.pk, first.pk))
    assert "Lesson 1 of 2" in page_text(page)
    done = client.post(learn("training_learn_lesson", org, enrolment.pk, first.pk))
    assert done["Location"] == learn("training_learn_lesson", org, enrolment.pk, second.pk)
    enrolment.refresh_from_db()
    assert enrolment.completed_lessons == [first.pk]

    # Away and back: the module page offers to continue at the second lesson.
    html = client.get(overview).content.decode()
    continue_at = learn("training_learn_lesson", org, enrolment.pk, second.pk)
    assert f'href="{continue_at}">Continue where you left off' in html
    assert "You have done 1 of 2 lessons (50%)." in page_text(client.get(overview))

    last = client.post(continue_at)
    assert last["Location"] == learn("training_learn_quiz", org, enrolment.pk)


def test_the_quiz_page_sends_a_learner_back_until_every_lesson_is_done(
    client, signed_in, org, module
):
    user = learner(org)
    with organisation_scope(org):
        enrolment = actions.enrol_self(user=user, module=module)
    signed_in(user)
    response = client.get(learn("training_learn_quiz", org, enrolment.pk))
    assert response["Location"] == learn("training_learn_module", org, enrolment.pk)
    posted = client.post(learn("training_learn_quiz", org, enrolment.pk), {})
    assert posted.status_code == 302
    assert _attempts(enrolment) == []


def test_a_lesson_page_shows_only_sanitised_html(client, signed_in, org, module):
    user = learner(org)
    with organisation_scope(org):
        enrolment = actions.enrol_self(user=user, module=module)
        lesson = _lessons(module)[0]
        # Even text that reached the database unsanitised is cleaned when shown.
        m.Lesson.objects.filter(pk=lesson.pk).update(
            body="<p>Safe <strong>text</strong></p><script>steal()</script>"
            '<img src=x onerror="steal()"><a href="javascript:steal()">link</a>'
        )
    signed_in(user)
    html = client.get(learn("training_learn_lesson", org, enrolment.pk, lesson.pk)).content
    html = html.decode()
    assert "<p>Safe <strong>text</strong></p>" in html
    assert "steal()" not in html
    assert '<a rel="noopener noreferrer">link</a>' in html


def test_a_learner_answers_the_quiz_passes_and_downloads_the_certificate(
    client, signed_in, org, module
):
    user = learner(org)
    with organisation_scope(org):
        enrolment = finish_lessons(user, actions.enrol_self(user=user, module=module))
        chosen = answers(module, 3)
    signed_in(user)
    quiz = learn("training_learn_quiz", org, enrolment.pk)
    incomplete = client.post(quiz, {f"q{q}": c for q, c in list(chosen.items())[:2]})
    assert error_summary(incomplete) == [
        "Choose an answer to question 3.",
        "Choose an answer to question 4.",
    ]
    response = client.post(quiz, {f"q{q}": c for q, c in chosen.items()})
    (attempt,) = _attempts(enrolment)
    assert response["Location"] == learn("training_learn_result", org, enrolment.pk, attempt.pk)
    result = page_text(client.get(response["Location"]))
    assert "You passed" in result
    assert "Your score: 75%" in result
    assert "The pass mark is 75%." in result

    pdf = client.get(learn("training_learn_certificate", org, enrolment.pk))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_failed_attempt_offers_a_retry_and_no_certificate(client, signed_in, org, module):
    user = learner(org)
    with organisation_scope(org):
        enrolment = finish_lessons(user, actions.enrol_self(user=user, module=module))
        chosen = answers(module, 2)
    signed_in(user)
    response = client.post(
        learn("training_learn_quiz", org, enrolment.pk), {f"q{q}": c for q, c in chosen.items()}
    )
    result = client.get(response["Location"])
    assert "You did not pass this time" in page_text(result)
    assert learn("training_learn_quiz", org, enrolment.pk) in result.content.decode()
    certificate = client.get(learn("training_learn_certificate", org, enrolment.pk))
    assert certificate.status_code == 404


def test_a_member_enrols_from_the_catalogue_and_sees_cpd_credited(
    client, signed_in, org, module, make_member
):
    member = make_member(org, Role.PRACTITIONER, email="priya.home@example.test")
    signed_in(member.user, org)
    client.post(learn("training_learn_enrol", org, module.pk))
    with organisation_scope(org):
        enrolment = m.Enrolment.objects.get(learner__user=member.user)
        finish_lessons(member.user, enrolment)
        chosen = answers(module, 4)
    response = client.post(
        learn("training_learn_quiz", org, enrolment.pk), {f"q{q}": c for q, c in chosen.items()}
    )
    assert "2.5 CPD hours were added to your record." in page_text(client.get(response["Location"]))
    cpd = page_text(client.get(reverse("training_my_cpd")))
    assert "Restorative conversations" in cpd
    assert "2.5 hours in all" in cpd


# ---------------------------------------------------------------- isolation


def test_another_learners_enrolment_is_not_found(client, signed_in, org, module):
    owner = learner(org, email="owner@example.test", name="Owner")
    with organisation_scope(org):
        enrolment = finish_lessons(owner, actions.enrol_self(user=owner, module=module))
        attempt = actions.submit_quiz(user=owner, enrolment=enrolment, answers=answers(module, 4))
        lesson = _lessons(module)[0]
    signed_in(learner(org, email="nosy@example.test", name="Nosy"))
    for url in (
        learn("training_learn_module", org, enrolment.pk),
        learn("training_learn_lesson", org, enrolment.pk, lesson.pk),
        learn("training_learn_quiz", org, enrolment.pk),
        learn("training_learn_result", org, enrolment.pk, attempt.pk),
        learn("training_learn_certificate", org, enrolment.pk),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(learn("training_learn_lesson", org, enrolment.pk, lesson.pk)).status_code == 404
    )
    enrolment.refresh_from_db()
    assert "Owner" not in page_text(client.get(learn("training_learn_dashboard", org)))


def test_a_module_of_another_organisation_is_not_found_through_this_one(
    client, signed_in, org, other_org, make_member
):
    elsewhere = published_module(make_member(other_org, Role.MANAGER).user, other_org)
    signed_in(learner(org))
    response = client.post(learn("training_learn_enrol", org, elsewhere.pk))
    assert response.status_code == 404
    with organisation_scope(other_org):
        assert not m.Enrolment.objects.exists()


def test_an_enrolment_is_only_found_under_its_own_organisations_address(
    client, signed_in, org, other_org, module
):
    user = learner(org)
    with organisation_scope(org):
        enrolment = actions.enrol_self(user=user, module=module)
    signed_in(user)
    assert client.get(learn("training_learn_module", org, enrolment.pk)).status_code == 200
    wrong = reverse("training_learn_module", args=[other_org.slug, enrolment.pk])
    assert client.get(wrong).status_code == 404


# ---------------------------------------------------------------- authoring pages


def test_an_author_creates_a_module_adds_a_lesson_and_a_question_and_publishes(
    client, signed_in, org, make_member
):
    trainer = make_member(org, Role.TRAINER).user
    signed_in(trainer, org)
    response = client.post(
        reverse("training_module_new"),
        {
            "title": "Circles",
            "cpd_hours": "1.5",
            "pass_mark": "80",
            "open_to_public": "yes",
        },
    )
    with organisation_scope(org):
        module = m.Module.objects.get(title="Circles")
    assert response["Location"] == reverse("training_module", args=[module.pk])

    edit = {
        "title": "Circles",
        "cpd_hours": "1.5",
        "pass_mark": "80",
        "open_to_public": "yes",
        "is_published": "yes",
        "version": module.version,
    }
    refused = client.post(reverse("training_module_edit", args=[module.pk]), edit)
    assert error_summary(refused) == ["Add at least one lesson before you publish the module."]

    client.post(
        reverse("training_lesson_new", args=[module.pk]),
        {"title": "Sitting in a circle", "body": "<p>Talk in turn.</p><script>x()</script>"},
    )
    with organisation_scope(org):
        assert m.Lesson.objects.get(module=module).body == "<p>Talk in turn.</p>"

    question_url = reverse("training_question_new", args=[module.pk])
    no_correct = client.post(
        question_url, {"text": "Who speaks?", "choice_1": "The holder", "choice_2": "Everyone"}
    )
    assert error_summary(no_correct) == ["Mark at least one answer as correct."]
    client.post(
        question_url,
        {
            "text": "Who speaks?",
            "choice_1": "Whoever holds the talking piece",
            "choice_2": "Everyone at once",
            "correct": ["1"],
        },
    )
    published = client.post(reverse("training_module_edit", args=[module.pk]), edit)
    assert published.status_code == 302
    module.refresh_from_db()
    assert module.is_published


def test_the_module_page_shows_enrolments_with_progress(client, signed_in, org, manager, module):
    user = learner(org)
    with organisation_scope(org):
        enrolment = actions.enrol_self(user=user, module=module)
        actions.complete_lesson(user=user, enrolment=enrolment, lesson=_lessons(module)[0])
    signed_in(manager, org)
    text = page_text(client.get(reverse("training_module", args=[module.pk])))
    assert "Alex Learner" in text
    assert "1 of 2 (50%)" in text


def test_lessons_are_reordered_from_the_module_page(client, signed_in, org, manager, module):
    first, second = _lessons(module)
    signed_in(manager, org)
    client.post(reverse("training_lesson_move", args=[second.pk]), {"direction": "up"})
    assert [lesson.pk for lesson in _lessons(module)] == [second.pk, first.pk]


def test_enrolling_a_clients_people_from_the_module_page_emails_them(
    client, signed_in, org, manager, module, django_capture_on_commit_callbacks
):
    with organisation_scope(org):
        school, _contact = school_client(manager, org)
    signed_in(manager, org)
    url = reverse("training_module_enrol_client", args=[module.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"client": school.pk, "people": "no comma here"})
    assert error_summary(bad) == ["Line 1 is not a name, a comma and an email address."]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "client": school.pk,
                "people": "Dafydd Jones, dafydd@glanmorfa.example\nEira Owen, eira@glanmorfa.example",
            },
        )
    assert response.status_code == 302
    assert sorted(msg.to[0] for msg in mail.outbox) == [
        "dafydd@glanmorfa.example",
        "eira@glanmorfa.example",
    ]
    with organisation_scope(org):
        assert m.Enrolment.objects.filter(module=module, client=school).count() == 2


def test_my_cpd_lists_only_my_own_entries(client, signed_in, org, manager, module, make_member):
    mine = make_member(org, Role.PRACTITIONER, email="priya.home@example.test")
    theirs = make_member(org, Role.VOLUNTEER, email="val.home@example.test")
    with organisation_scope(org):
        for membership, title in ((mine, "My course"), (theirs, "Their course")):
            m.CpdEntry.objects.create(
                organisation=org,
                membership=membership,
                title=title,
                hours=Decimal("3"),
                completed_on="2026-01-10",
            )
    signed_in(mine.user, org)
    text = page_text(client.get(reverse("training_my_cpd")))
    assert "My course" in text
    assert "Their course" not in text


# ---------------------------------------------------------------- query budgets


def test_the_module_list_runs_a_fixed_number_of_queries(
    client, signed_in, org, manager, module, count_queries
):
    signed_in(manager, org)
    url = reverse("training_modules")
    few = count_queries(client, url)
    for number in range(12):
        published_module(manager, org, title=f"Module {number}", questions=1, lessons=1)
    assert count_queries(client, url) == few


def test_the_module_page_runs_a_fixed_number_of_queries(
    client, signed_in, org, manager, module, count_queries
):
    signed_in(manager, org)
    url = reverse("training_module", args=[module.pk])
    learner(org, email="first@example.test")
    with organisation_scope(org):
        actions.enrol_self(
            user=get_user_model().objects.get(email="first@example.test"), module=module
        )
    few = count_queries(client, url)
    for number in range(12):
        user = learner(org, email=f"learner{number}@example.test")
        with organisation_scope(org):
            actions.enrol_self(user=user, module=module)
    assert count_queries(client, url) == few


def test_the_learner_dashboard_and_catalogue_run_a_fixed_number_of_queries(
    client, signed_in, org, manager, module, count_queries
):
    user = learner(org)
    with organisation_scope(org):
        actions.enrol_self(user=user, module=module)
    signed_in(user)
    dashboard = learn("training_learn_dashboard", org)
    catalogue = learn("training_learn_catalogue", org)
    few = (count_queries(client, dashboard), count_queries(client, catalogue))
    for number in range(8):
        more = published_module(manager, org, title=f"Module {number}", questions=1, lessons=2)
        with organisation_scope(org):
            actions.enrol_self(user=user, module=more)
    assert (count_queries(client, dashboard), count_queries(client, catalogue)) == few
