"""E-learning: authoring (sanitised lessons, quiz validation, publishing), scoring against the pass
mark, certificates and CPD credited once, enrolling a client's people."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import models as m
from mend.training.elearning import richtext
from tests.training.elearning_support import answers, finish_lessons, learner, published_module
from tests.training.support import school_client

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the sanitiser


def test_sanitiser_removes_scripts_and_styles_with_their_content():
    cleaned = richtext.sanitise("<p>Before</p><script>alert('x')</script><style>p{}</style>After")
    assert cleaned == "<p>Before</p>After"


def test_sanitiser_removes_event_handler_attributes_and_images():
    cleaned = richtext.sanitise('<p onclick="steal()">Hi <img src="x" onerror="alert(1)"></p>')
    assert cleaned == "<p>Hi </p>"


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>1</script>", "/local"],
)
def test_sanitiser_drops_links_that_are_not_http_https_or_mailto(href):
    cleaned = richtext.sanitise(f'<a href="{href}">click</a>')
    assert "href" not in cleaned
    assert "click" in cleaned


def test_sanitiser_keeps_the_allowed_tags_and_makes_links_safe():
    html = (
        "<h2>Heading</h2><h3>Sub</h3><p><strong>bold</strong> <em>it</em><br>line</p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote>quote</blockquote>"
        '<p><a href="https://restorativejustice.org.uk" target="_blank">RJC</a> '
        '<a href="mailto:hello@example.org">mail</a></p>'
    )
    cleaned = richtext.sanitise(html)
    for tag in ("h2", "h3", "strong", "em", "br", "ul", "ol", "li", "blockquote"):
        assert f"<{tag}>" in cleaned
    assert (
        '<a href="https://restorativejustice.org.uk" rel="noopener noreferrer">RJC</a>' in cleaned
    )
    assert '<a href="mailto:hello@example.org" rel="noopener noreferrer">mail</a>' in cleaned
    assert "target" not in cleaned


def test_other_tags_are_removed_but_their_text_stays():
    cleaned = richtext.sanitise(
        '<div class="x"><h1>Big</h1><iframe src="https://x"></iframe>ok</div>'
    )
    assert cleaned == "Bigok"


def test_rendering_sanitises_again_whatever_is_stored():
    assert str(richtext.render("<p>Hi</p><script>x()</script>")) == "<p>Hi</p>"


# ---------------------------------------------------------------- authoring


@pytest.fixture
def author(org, make_member):
    """Trainers write e-learning (AUTHOR_ELEARNING) without seeing the rest of the business."""
    return make_member(org, Role.TRAINER).user


@pytest.fixture
def school(org, make_member):
    manager = make_member(org, Role.MANAGER).user
    with organisation_scope(org):
        return school_client(manager, org)[0]


def _module(author, org, **values):
    with organisation_scope(org):
        return actions.create_module(
            actor=author,
            organisation=org,
            title=values.pop("title", "Harm and repair"),
            cpd_hours=Decimal("1.0"),
            pass_mark=80,
            **values,
        )


def test_a_lesson_is_sanitised_before_it_is_saved(author, org):
    module = _module(author, org)
    with organisation_scope(org):
        lesson = actions.add_lesson(
            actor=author,
            module=module,
            title="Listening",
            body='<p>Listen.</p><script>bad()</script><a href="javascript:x()">x</a>',
            body_cy="<p onmouseover='x()'>Gwrando.</p>",
        )
        stored = m.Lesson.objects.get(pk=lesson.pk)
    assert stored.body == '<p>Listen.</p><a rel="noopener noreferrer">x</a>'
    assert stored.body_cy == "<p>Gwrando.</p>"


def test_a_lesson_whose_text_is_all_unsafe_is_refused_as_empty(author, org):
    module = _module(author, org)
    with organisation_scope(org), pytest.raises(ValidationError) as caught:
        actions.add_lesson(actor=author, module=module, title="X", body="<script>x</script>")
    assert "body" in caught.value.message_dict


def test_lessons_are_added_in_order_and_can_be_moved(author, org):
    module = _module(author, org)
    with organisation_scope(org):
        first, _second, third = (
            actions.add_lesson(actor=author, module=module, title=t, body="<p>x</p>")
            for t in ("One", "Two", "Three")
        )
        actions.move_lesson(actor=author, lesson=third, direction="up")
        order = list(m.Lesson.objects.filter(module=module).values_list("title", flat=True))
        assert order == ["One", "Three", "Two"]
        actions.move_lesson(actor=author, lesson=first, direction="up")  # already first
        actions.move_lesson(actor=author, lesson=first, direction="down")
        order = list(m.Lesson.objects.filter(module=module).values_list("title", flat=True))
    assert order == ["Three", "One", "Two"]


@pytest.mark.parametrize(
    ("choices", "problem"),
    [
        ([("Only one", "", True)], "between 2 and 6"),
        ([(f"Answer {n}", "", n == 1) for n in range(7)], "between 2 and 6"),
        ([("Yes", "", False), ("No", "", False)], "at least one answer as correct"),
    ],
)
def test_a_question_needs_two_to_six_answers_and_a_correct_one(author, org, choices, problem):
    module = _module(author, org)
    with organisation_scope(org), pytest.raises(ValidationError) as caught:
        actions.add_question(actor=author, module=module, text="Which?", choices=choices)
    assert problem in " ".join(caught.value.message_dict["choices"])


def test_editing_a_question_keeps_answers_by_position_and_removes_extra_ones(author, org):
    module = _module(author, org)
    with organisation_scope(org):
        question = actions.add_question(
            actor=author,
            module=module,
            text="Which?",
            choices=[("A", "", True), ("B", "", False), ("C", "", False)],
        )
        first = m.QuizChoice.objects.get(question=question, position=1).pk
        actions.update_question(
            actor=author,
            question=question,
            text="Which one?",
            choices=[("B", "", False), ("A2", "", True)],
        )
        rows = list(m.QuizChoice.objects.filter(question=question).order_by("position"))
    assert [(r.text, r.is_correct) for r in rows] == [("B", False), ("A2", True)]
    assert rows[0].pk == first


def test_publishing_needs_a_lesson_and_a_question(author, org):
    module = _module(author, org)
    with organisation_scope(org):
        with pytest.raises(ValidationError) as caught:
            actions.update_module(actor=author, module=module, is_published=True)
        assert "lesson" in caught.value.message_dict["is_published"][0]
        actions.add_lesson(actor=author, module=module, title="One", body="<p>x</p>")
        with pytest.raises(ValidationError) as caught:
            actions.update_module(actor=author, module=module, is_published=True)
        assert "question" in caught.value.message_dict["is_published"][0]
        actions.add_question(
            actor=author, module=module, text="?", choices=[("A", "", True), ("B", "", False)]
        )
        published = actions.update_module(actor=author, module=module, is_published=True)
    assert published.is_published


def test_a_practitioner_may_not_author_modules(org, make_member):
    practitioner = make_member(org, Role.PRACTITIONER).user
    with organisation_scope(org), pytest.raises(PermissionDenied):
        _module(practitioner, org)


# ---------------------------------------------------------------- taking a module


@pytest.fixture
def module(author, org):
    return published_module(author, org, questions=4, pass_mark=75)


def _enrolled(org, module, email="alex.learner@example.test"):
    user = learner(org, email=email)
    with organisation_scope(org):
        enrolment = actions.enrol_self(user=user, module=module)
    return user, enrolment


def test_the_quiz_cannot_be_taken_before_every_lesson_is_done(org, module):
    user, enrolment = _enrolled(org, module)
    with organisation_scope(org):
        first = m.Lesson.objects.filter(module=module).order_by("position").first()
        actions.complete_lesson(user=user, enrolment=enrolment, lesson=first)
        with pytest.raises(ValidationError, match="Finish every lesson"):
            actions.submit_quiz(user=user, enrolment=enrolment, answers=answers(module, 4))
        assert not m.QuizAttempt.objects.filter(enrolment=enrolment).exists()


@pytest.mark.parametrize(
    ("questions", "pass_mark", "right", "score", "passed"),
    [
        (4, 75, 3, 75, True),  # exactly the pass mark passes
        (4, 75, 2, 50, False),
        (4, 75, 4, 100, True),
        (3, 67, 2, 66, False),  # 66.7% is below a 67% pass mark
        (3, 66, 2, 66, True),
        (5, 100, 4, 80, False),
    ],
)
def test_quiz_score_against_the_pass_mark(author, org, questions, pass_mark, right, score, passed):
    module = published_module(author, org, questions=questions, pass_mark=pass_mark)
    user, enrolment = _enrolled(org, module)
    with organisation_scope(org):
        enrolment = finish_lessons(user, enrolment)
        attempt = actions.submit_quiz(
            user=user, enrolment=enrolment, answers=answers(module, right)
        )
        enrolment.refresh_from_db()
    assert (attempt.score, attempt.passed) == (score, passed)
    assert (enrolment.passed_at is not None) == passed
    assert enrolment.best_score == score


def test_every_question_must_be_answered(org, module):
    user, enrolment = _enrolled(org, module)
    with organisation_scope(org):
        enrolment = finish_lessons(user, enrolment)
        partial = dict(list(answers(module, 4).items())[:3])
        with pytest.raises(ValidationError, match="Answer every question"):
            actions.submit_quiz(user=user, enrolment=enrolment, answers=partial)


def test_a_certificate_is_issued_once_however_often_the_learner_passes(org, module):
    user, enrolment = _enrolled(org, module)
    with organisation_scope(org):
        enrolment = finish_lessons(user, enrolment)
        actions.submit_quiz(user=user, enrolment=enrolment, answers=answers(module, 1))
        assert not m.Certificate.objects.filter(enrolment=enrolment).exists()
        actions.submit_quiz(user=user, enrolment=enrolment, answers=answers(module, 3))
        actions.submit_quiz(user=user, enrolment=enrolment, answers=answers(module, 4))
        certificates = list(m.Certificate.objects.filter(enrolment=enrolment))
        enrolment.refresh_from_db()
    assert len(certificates) == 1
    certificate = certificates[0]
    assert certificate.holder_name == "Alex Learner"
    assert certificate.course_title == "Restorative conversations"
    assert certificate.cpd_hours == Decimal("2.5")
    assert enrolment.best_score == 100


def test_a_public_learner_gets_no_cpd_entry(org, module):
    user, enrolment = _enrolled(org, module)
    with organisation_scope(org):
        enrolment = finish_lessons(user, enrolment)
        actions.submit_quiz(user=user, enrolment=enrolment, answers=answers(module, 4))
        assert not m.CpdEntry.objects.exists()


def test_a_member_who_passes_is_credited_cpd_hours_once(org, module, make_member):
    member = make_member(org, Role.PRACTITIONER, email="priya.home@example.test")
    user = get_user_model().objects.get(pk=member.user_id)
    with organisation_scope(org):
        enrolment = actions.enrol_self(user=user, module=module)
        learner_row = m.Learner.objects.get(user=user)
        assert learner_row.name == user.full_name
        enrolment = finish_lessons(user, enrolment)
        for _attempt in range(2):
            actions.submit_quiz(user=user, enrolment=enrolment, answers=answers(module, 4))
        entries = list(m.CpdEntry.objects.all())
    assert len(entries) == 1
    assert entries[0].membership_id == member.pk
    assert entries[0].hours == Decimal("2.5")
    assert entries[0].title == "Restorative conversations"


def test_only_published_modules_open_to_the_public_take_self_enrolment(author, org, module):
    user = learner(org)
    with organisation_scope(org):
        closed = actions.update_module(actor=author, module=module, open_to_public=False)
        with pytest.raises(ValidationError):
            actions.enrol_self(user=user, module=closed)


def test_a_learner_cannot_record_progress_on_someone_elses_enrolment(org, module):
    _owner, enrolment = _enrolled(org, module)
    intruder = learner(org, email="intruder@example.test", name="Intruder")
    with organisation_scope(org):
        lesson = m.Lesson.objects.filter(module=module).first()
        with pytest.raises(PermissionDenied):
            actions.complete_lesson(user=intruder, enrolment=enrolment, lesson=lesson)
        with pytest.raises(PermissionDenied):
            actions.submit_quiz(user=intruder, enrolment=enrolment, answers={})


# ---------------------------------------------------------------- enrolling a client's people


def _reset_link(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0)


def test_enrolling_a_clients_people_makes_accounts_and_emails_them(
    author, org, module, school, client, django_capture_on_commit_callbacks
):
    existing = get_user_model().objects.create_user(
        "carys.hughes@glanmorfa.example", password="already-has-one-123", full_name="Carys"
    )
    with organisation_scope(org):
        people = actions.parse_learner_lines(
            "Dafydd Jones, Dafydd.Jones@glanmorfa.example\n\n"
            "Carys Hughes, carys.hughes@glanmorfa.example\n"
        )
        with django_capture_on_commit_callbacks(execute=True):
            results = actions.enrol_client_learners(
                actor=author, module=module, client=school, people=people
            )
        enrolments = {r.enrolment.learner.user.email: r for r in results}
        dafydd = enrolments["dafydd.jones@glanmorfa.example"]
        assert dafydd.new_account and dafydd.new_enrolment
        assert not enrolments["carys.hughes@glanmorfa.example"].new_account
        for result in results:
            assert result.enrolment.client_id == school.pk
            assert result.enrolment.learner.client_id == school.pk
    new_user = get_user_model().objects.get(email="dafydd.jones@glanmorfa.example")
    assert new_user.is_learner_account
    assert not new_user.has_usable_password()
    assert new_user.full_name == "Dafydd Jones"
    existing.refresh_from_db()
    assert existing.has_usable_password() and not existing.is_learner_account

    assert sorted(msg.to[0] for msg in mail.outbox) == [
        "carys.hughes@glanmorfa.example",
        "dafydd.jones@glanmorfa.example",
    ]
    to_dafydd = next(msg for msg in mail.outbox if msg.to == ["dafydd.jones@glanmorfa.example"])
    to_carys = next(msg for msg in mail.outbox if msg.to == ["carys.hughes@glanmorfa.example"])
    module_link = f"/learn/{org.slug}/enrolments/{dafydd.enrolment.pk}/"
    assert module_link in to_dafydd.body
    assert "Restorative conversations" in to_dafydd.subject
    assert "/accounts/password/reset/key/" not in to_carys.body

    # The link lets Dafydd choose a password (allauth keeps the key and shows its form).
    path = _reset_link(to_dafydd).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    assert b'name="password1"' in response.content


def test_enrolling_the_same_person_twice_keeps_one_enrolment(author, org, module, school):
    with organisation_scope(org):
        people = [("Dafydd Jones", "dafydd@example.test")]
        actions.enrol_client_learners(actor=author, module=module, client=school, people=people)
        again = actions.enrol_client_learners(
            actor=author, module=module, client=school, people=people
        )
        assert not again[0].new_account and not again[0].new_enrolment
        assert m.Enrolment.objects.filter(module=module).count() == 1
        assert get_user_model().objects.filter(email="dafydd@example.test").count() == 1


def test_lines_that_are_not_a_name_and_an_email_are_listed():
    with pytest.raises(ValidationError) as caught:
        actions.parse_learner_lines(
            "Good Person, good@example.test\njust a name\nName, not-an-email"
        )
    problems = caught.value.message_dict["people"]
    assert problems == [
        "Line 2 is not a name, a comma and an email address.",
        "Line 3 is not a name, a comma and an email address.",
    ]
