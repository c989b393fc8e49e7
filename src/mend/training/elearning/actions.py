"""Training actions: e-learning. Authors write modules (lessons of sanitised rich text and a quiz
with a pass mark); learners sign up themselves or are enrolled by a client; progress is saved
lesson by lesson; passing issues a certificate once and credits CPD hours once to a member.

Authoring and enrolling by a client need AUTHOR_ELEARNING. A learner's own actions take the
signed-in user and only ever touch that user's own Learner and Enrolment rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.roles import Perm
from mend.training import models as m
from mend.training.delivery.actions import issue_certificate
from mend.training.elearning import richtext
from mend.training.events import TrainingEvent
from mend.training.kernel import check_version, public_url, require

__all__ = [
    "MAX_CHOICES",
    "MIN_CHOICES",
    "add_lesson",
    "add_question",
    "complete_lesson",
    "create_module",
    "email_in_use",
    "enrol_client_learners",
    "enrol_self",
    "learn_url",
    "lesson_ids",
    "lessons_done",
    "move_lesson",
    "next_lesson",
    "parse_learner_lines",
    "progress_percent",
    "set_password_url",
    "sign_up_learner",
    "submit_quiz",
    "update_lesson",
    "update_module",
    "update_question",
]

MIN_CHOICES = 2
MAX_CHOICES = 6
MODULE_FIELDS = [
    "title",
    "title_cy",
    "summary",
    "summary_cy",
    "cpd_hours",
    "pass_mark",
    "is_published",
    "open_to_public",
]
LESSON_FIELDS = ["title", "title_cy", "body", "body_cy"]


# ---------------------------------------------------------------- modules


def _publish_problem(module: m.Module) -> str | None:
    if not m.Lesson.objects.filter(module=module).exists():
        return _("Add at least one lesson before you publish the module.")
    if not m.QuizQuestion.objects.filter(module=module).exists():
        return _("Add at least one quiz question before you publish the module.")
    return None


def _check_module(values: dict) -> None:
    errors = {}
    if not (values.get("title") or "").strip():
        errors["title"] = _("Enter the module's title.")
    hours = values.get("cpd_hours")
    if hours is None or Decimal(hours) < 0:
        errors["cpd_hours"] = _("Enter the CPD hours, 0 or more.")
    pass_mark = values.get("pass_mark")
    if pass_mark is None or not 1 <= int(pass_mark) <= 100:
        errors["pass_mark"] = _("Enter a pass mark between 1 and 100.")
    if errors:
        raise ValidationError(errors)


def create_module(*, actor, organisation, **values) -> m.Module:
    """A new module, unpublished until it has lessons and a quiz."""
    require(actor, Perm.AUTHOR_ELEARNING, organisation)
    values = {k: v for k, v in values.items() if k in MODULE_FIELDS}
    values.setdefault("pass_mark", 80)
    _check_module(values)
    if values.get("is_published"):
        raise ValidationError(
            {"is_published": _("Add at least one lesson and one quiz question before publishing.")}
        )
    with transaction.atomic():
        module = m.Module(organisation=organisation, **values)
        module.title = module.title.strip()
        module.full_clean()
        module.save()
        audit.record(
            TrainingEvent.MODULE_CREATED,
            actor=actor,
            organisation=organisation,
            obj=module,
            changes={"title": [None, module.title]},
        )
    return module


def update_module(*, actor, module: m.Module, version: int | None = None, **values) -> m.Module:
    require(actor, Perm.AUTHOR_ELEARNING, module.organisation)
    values = {k: v for k, v in values.items() if k in MODULE_FIELDS}
    _check_module({**audit.snapshot(module, MODULE_FIELDS), **values})
    with transaction.atomic():
        locked = m.Module.objects.select_for_update().get(pk=module.pk)
        check_version(locked, version)
        before = audit.snapshot(locked, MODULE_FIELDS)
        for field, value in values.items():
            setattr(locked, field, value)
        if locked.is_published and not before["is_published"]:
            problem = _publish_problem(locked)
            if problem:
                raise ValidationError({"is_published": problem})
        changes = audit.diff(locked, before, MODULE_FIELDS)
        if changes:
            locked.version += 1
            locked.full_clean()
            locked.save()
            audit.record(
                TrainingEvent.MODULE_CHANGED,
                actor=actor,
                organisation=locked.organisation,
                obj=locked,
                changes=changes,
            )
    return locked


# ---------------------------------------------------------------- lessons


def _clean_lesson(values: dict) -> dict:
    values = {k: v for k, v in values.items() if k in LESSON_FIELDS}
    for field in ("body", "body_cy"):
        if field in values:
            values[field] = richtext.sanitise(values[field])
    errors = {}
    if "title" in values and not (values["title"] or "").strip():
        errors["title"] = _("Enter the lesson's title.")
    if "body" in values and not values["body"]:
        errors["body"] = _("Enter the lesson's text.")
    if errors:
        raise ValidationError(errors)
    return values


def add_lesson(*, actor, module: m.Module, **values) -> m.Lesson:
    """A lesson at the end of the module; its text is sanitised before it is saved."""
    require(actor, Perm.AUTHOR_ELEARNING, module.organisation)
    values = _clean_lesson(values)
    with transaction.atomic():
        m.Module.objects.select_for_update().get(pk=module.pk)
        last = m.Lesson.objects.filter(module=module).aggregate(last=Max("position"))["last"]
        lesson = m.Lesson(
            organisation=module.organisation, module=module, position=(last or 0) + 1, **values
        )
        lesson.full_clean()
        lesson.save()
        audit.record(
            TrainingEvent.LESSON_ADDED,
            actor=actor,
            organisation=module.organisation,
            obj=lesson,
            changes={"module": module.pk, "title": [None, lesson.title]},
        )
    return lesson


def update_lesson(*, actor, lesson: m.Lesson, version: int | None = None, **values) -> m.Lesson:
    require(actor, Perm.AUTHOR_ELEARNING, lesson.organisation)
    values = _clean_lesson(values)
    with transaction.atomic():
        locked = m.Lesson.objects.select_for_update().get(pk=lesson.pk)
        check_version(locked, version)
        before = audit.snapshot(locked, LESSON_FIELDS)
        for field, value in values.items():
            setattr(locked, field, value)
        changes = audit.diff(locked, before, LESSON_FIELDS)
        if changes:
            locked.version += 1
            locked.full_clean()
            locked.save()
            # The texts can be long: say they changed rather than copying them into the trail.
            for field in ("body", "body_cy"):
                if field in changes:
                    changes[field] = "changed"
            audit.record(
                TrainingEvent.LESSON_CHANGED,
                actor=actor,
                organisation=locked.organisation,
                obj=locked,
                changes=changes,
            )
    return locked


def move_lesson(*, actor, lesson: m.Lesson, direction: str) -> m.Lesson:
    """Swap the lesson with the one before ("up") or after ("down") it."""
    require(actor, Perm.AUTHOR_ELEARNING, lesson.organisation)
    if direction not in ("up", "down"):
        raise ValidationError(_("Choose whether to move the lesson up or down."))
    with transaction.atomic():
        m.Module.objects.select_for_update().get(pk=lesson.module_id)
        lessons = list(m.Lesson.objects.filter(module_id=lesson.module_id).order_by("position"))
        index = next(i for i, row in enumerate(lessons) if row.pk == lesson.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(lessons):
            return lesson
        lessons[index], lessons[other] = lessons[other], lessons[index]
        for position, row in enumerate(lessons, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        audit.record(
            TrainingEvent.LESSON_MOVED,
            actor=actor,
            organisation=lesson.organisation,
            obj=lesson,
            changes={"direction": direction, "position": other + 1},
        )
    return lessons[other]


# ---------------------------------------------------------------- quiz questions


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    text_cy: str = ""
    is_correct: bool = False


def _clean_question(text: str, choices) -> list[ChoiceSpec]:
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Enter the question.")
    specs = [
        spec if isinstance(spec, ChoiceSpec) else ChoiceSpec(*spec)
        for spec in choices
        if (spec.text if isinstance(spec, ChoiceSpec) else spec[0]).strip()
    ]
    if not MIN_CHOICES <= len(specs) <= MAX_CHOICES:
        errors["choices"] = _("Give between %(low)d and %(high)d answers to choose from.") % {
            "low": MIN_CHOICES,
            "high": MAX_CHOICES,
        }
    elif not any(spec.is_correct for spec in specs):
        errors["choices"] = _("Mark at least one answer as correct.")
    if errors:
        raise ValidationError(errors)
    return specs


def add_question(
    *, actor, module: m.Module, text: str, text_cy: str = "", choices
) -> m.QuizQuestion:
    """A question at the end of the quiz. `choices`: (text, text_cy, is_correct) each."""
    require(actor, Perm.AUTHOR_ELEARNING, module.organisation)
    specs = _clean_question(text, choices)
    with transaction.atomic():
        m.Module.objects.select_for_update().get(pk=module.pk)
        last = m.QuizQuestion.objects.filter(module=module).aggregate(last=Max("position"))
        question = m.QuizQuestion.objects.create(
            organisation=module.organisation,
            module=module,
            position=(last["last"] or 0) + 1,
            text=text.strip(),
            text_cy=(text_cy or "").strip(),
        )
        _save_choices(question, specs)
        audit.record(
            TrainingEvent.QUESTION_ADDED,
            actor=actor,
            organisation=module.organisation,
            obj=question,
            changes={"module": module.pk, "choices": len(specs)},
        )
    return question


def update_question(
    *, actor, question: m.QuizQuestion, text: str, text_cy: str = "", choices
) -> m.QuizQuestion:
    """Change a question and its answers (answers are kept by position, extra ones removed)."""
    require(actor, Perm.AUTHOR_ELEARNING, question.organisation)
    specs = _clean_question(text, choices)
    with transaction.atomic():
        locked = m.QuizQuestion.objects.select_for_update().get(pk=question.pk)
        locked.text, locked.text_cy = text.strip(), (text_cy or "").strip()
        locked.save(update_fields=["text", "text_cy"])
        _save_choices(locked, specs)
        audit.record(
            TrainingEvent.QUESTION_CHANGED,
            actor=actor,
            organisation=locked.organisation,
            obj=locked,
            changes={"choices": len(specs)},
        )
    return locked


def _save_choices(question: m.QuizQuestion, specs: list[ChoiceSpec]) -> None:
    existing = list(m.QuizChoice.objects.filter(question=question).order_by("position", "pk"))
    for position, spec in enumerate(specs, start=1):
        row = existing[position - 1] if position <= len(existing) else None
        if row is None:
            row = m.QuizChoice(organisation=question.organisation, question=question)
        row.position = position
        row.text, row.text_cy = spec.text.strip(), (spec.text_cy or "").strip()
        row.is_correct = bool(spec.is_correct)
        row.save()
    extra = [row.pk for row in existing[len(specs) :]]
    if extra:
        m.QuizChoice.objects.filter(pk__in=extra).delete()


# ---------------------------------------------------------------- accounts and enrolment


def email_in_use(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=(email or "").strip()).exists()


def _new_learner_account(*, email: str, full_name: str, language: str, password: str | None):
    """A User marked as a learner account (two-step sign-in optional while it has no
    membership). Without a password it gets an unusable one and sets its own by link."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    user = User.objects.create_user(
        email,
        password=password,
        full_name=full_name.strip(),
        preferred_language=language if language in ("en", "cy") else "en",
    )
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    # `is_learner_account` is not editable through forms, so it is set here, deliberately.
    User.objects.filter(pk=user.pk).update(is_learner_account=True)
    user.is_learner_account = True
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": False}
    )
    return user


def _learner_for(user, organisation, *, name: str = "", client=None) -> m.Learner:
    learner = m.Learner.objects.filter(organisation=organisation, user=user).first()
    if learner is None:
        learner = m.Learner.objects.create(
            organisation=organisation,
            user=user,
            name=(name or user.full_name or user.email).strip(),
            client=client,
        )
    elif client is not None and learner.client_id is None:
        learner.client = client
        learner.save(update_fields=["client"])
    return learner


def sign_up_learner(
    *, organisation, full_name: str, email: str, password: str, language: str = "en"
):
    """A public sign-up: a learner account and its Learner row in `organisation`."""
    email = (email or "").strip().lower()
    if not (full_name or "").strip():
        raise ValidationError({"full_name": _("Enter your full name.")})
    if email_in_use(email):
        raise ValidationError(
            {
                "email": _(
                    "There is already an account with this email address. Sign in instead, "
                    "then come back to enrol."
                )
            }
        )
    with transaction.atomic():
        user = _new_learner_account(
            email=email, full_name=full_name, language=language, password=password
        )
        learner = _learner_for(user, organisation, name=full_name)
        audit.record(
            TrainingEvent.LEARNER_SIGNED_UP,
            actor=user,
            organisation=organisation,
            obj=learner,
            changes={"language": user.preferred_language},
        )
    return user


def _can_self_enrol(user, module: m.Module) -> bool:
    if not module.is_published:
        return False
    return module.open_to_public or module.organisation_id in access.memberships(user)


def enrol_self(*, user, module: m.Module) -> m.Enrolment:
    """The signed-in person enrols in a published module (their Learner row is made if new).
    Enrolling again returns the enrolment they already have."""
    if not user.is_authenticated:
        raise PermissionDenied
    if not _can_self_enrol(user, module):
        raise ValidationError(_("This module is not open for enrolment."))
    organisation = module.organisation
    with transaction.atomic():
        learner = _learner_for(user, organisation)
        enrolment, created = m.Enrolment.objects.get_or_create(
            organisation=organisation,
            learner=learner,
            module=module,
            defaults={"enrolled_by": user},
        )
        if created:
            audit.record(
                TrainingEvent.LEARNER_ENROLLED,
                actor=user,
                organisation=organisation,
                obj=enrolment,
                changes={"module": module.pk, "by": "self"},
            )
    return enrolment


def parse_learner_lines(text: str) -> list[tuple[str, str]]:
    """`Name, email` on each line, as (name, email); a ValidationError lists every bad line."""
    people: list[tuple[str, str]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, comma, email = line.rpartition(",")
        name, email = name.strip(), email.strip().lower()
        try:
            if not comma or not name:
                raise ValidationError("")
            validate_email(email)
        except ValidationError:
            problems.append(
                _("Line %(number)d is not a name, a comma and an email address.")
                % {"number": number}
            )
            continue
        if email not in seen:
            seen.add(email)
            people.append((name, email))
    if problems:
        raise ValidationError({"people": problems})
    if not people:
        raise ValidationError(
            {"people": _("Enter at least one person: a name, a comma, an email.")}
        )
    return people


@dataclass
class ClientEnrolment:
    enrolment: m.Enrolment
    new_account: bool
    new_enrolment: bool


def enrol_client_learners(
    *, actor, module: m.Module, client: m.Client, people: list[tuple[str, str]]
) -> list[ClientEnrolment]:
    """Enrol a client's people: each gets an account (existing ones are reused), a Learner and an
    Enrolment for the client, and an email with the module link (and, when they have no password
    yet, a link to set one), in their language."""
    organisation = module.organisation
    require(actor, Perm.AUTHOR_ELEARNING, organisation)
    if client.organisation_id != organisation.pk:
        raise ValidationError({"client": _("Choose a client.")})
    if not module.is_published:
        raise ValidationError(_("Publish the module before enrolling people."))
    User = get_user_model()
    results: list[ClientEnrolment] = []
    with transaction.atomic():
        for name, email in people:
            user = User.objects.filter(email__iexact=email).first()
            new_account = user is None
            if new_account:
                user = _new_learner_account(
                    email=email, full_name=name, language=client.language, password=None
                )
            learner = _learner_for(user, organisation, name=name, client=client)
            enrolment, created = m.Enrolment.objects.get_or_create(
                organisation=organisation,
                learner=learner,
                module=module,
                defaults={"enrolled_by": actor, "client": client},
            )
            if not created and enrolment.client_id is None:
                enrolment.client = client
                enrolment.save(update_fields=["client"])
            results.append(ClientEnrolment(enrolment, new_account, created))
            transaction.on_commit(
                lambda user=user, enrolment=enrolment: _email_enrolled(user, enrolment)
            )
        audit.record(
            TrainingEvent.CLIENT_LEARNERS_ENROLLED,
            actor=actor,
            organisation=organisation,
            obj=module,
            changes={
                "client": client.pk,
                "enrolments": [r.enrolment.pk for r in results],
                "new_accounts": sum(r.new_account for r in results),
            },
        )
    return results


def set_password_url(user) -> str:
    """allauth's reset-from-key link: the person chooses their own password."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    return public_url(
        "account_reset_password_from_key",
        user_pk_to_url_str(user),
        default_token_generator.make_token(user),
    )


def learn_url(name: str, organisation, *args) -> str:
    from django.conf import settings

    return settings.MEND_BASE_URL.rstrip("/") + reverse(name, args=[organisation.slug, *args])


def _email_enrolled(user, enrolment: m.Enrolment) -> None:
    organisation = enrolment.organisation
    language = user.preferred_language if user.preferred_language in ("en", "cy") else "en"
    with translation.override(language):
        organisation_name = organisation.display_name(language)
        module = enrolment.module
        context = {
            "name": enrolment.learner.name,
            "organisation_name": organisation_name,
            "module_title": m.bilingual(module.title, module.title_cy, language),
            "cpd_hours": module.cpd_hours,
            "module_url": learn_url("training_learn_module", organisation, enrolment.pk),
            "set_password_url": None if user.has_usable_password() else set_password_url(user),
            "sign_in_url": public_url("account_login"),
            "email": user.email,
        }
        subject = _("You are enrolled on %(module)s with %(organisation)s") % {
            "module": context["module_title"],
            "organisation": organisation_name,
        }
        body = render_to_string("training/email/learner_enrolled.txt", context)
    send_mail(subject, body, None, [user.email])


# ---------------------------------------------------------------- progress and the quiz


def _own(user, enrolment: m.Enrolment) -> m.Enrolment:
    """Refuse unless the enrolment is the signed-in person's own."""
    owner = m.Learner.objects.filter(pk=enrolment.learner_id).values_list("user_id", flat=True)
    if not user.is_authenticated or list(owner) != [user.pk]:
        raise PermissionDenied
    return enrolment


def lesson_ids(module: m.Module) -> list[int]:
    return list(
        m.Lesson.objects.filter(module=module)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )


def lessons_done(enrolment: m.Enrolment, ids: list[int]) -> int:
    done = set(enrolment.completed_lessons or [])
    return sum(1 for pk in ids if pk in done)


def progress_percent(enrolment: m.Enrolment, ids: list[int]) -> int:
    return (lessons_done(enrolment, ids) * 100 // len(ids)) if ids else 0


def next_lesson(enrolment: m.Enrolment, ids: list[int]) -> int | None:
    """The first lesson (in order) not yet done, or None when every lesson is done."""
    done = set(enrolment.completed_lessons or [])
    return next((pk for pk in ids if pk not in done), None)


def complete_lesson(*, user, enrolment: m.Enrolment, lesson: m.Lesson) -> m.Enrolment:
    _own(user, enrolment)
    if lesson.module_id != enrolment.module_id:
        raise ValidationError(_("This lesson is not part of the module."))
    with transaction.atomic():
        locked = m.Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if lesson.pk not in (locked.completed_lessons or []):
            locked.completed_lessons = [*(locked.completed_lessons or []), lesson.pk]
            locked.save(update_fields=["completed_lessons"])
            audit.record(
                TrainingEvent.LESSON_COMPLETED,
                actor=user,
                organisation=locked.organisation,
                obj=locked,
                changes={"lesson": lesson.pk},
            )
    return locked


def score(correct: int, total: int) -> int:
    """Whole percent, rounded down (so a score shown as the pass mark has really reached it)."""
    return correct * 100 // total if total else 0


def submit_quiz(*, user, enrolment: m.Enrolment, answers: dict) -> m.QuizAttempt:
    """Mark an attempt. `answers` maps question id to the chosen choice id. Passing (score at
    least the pass mark) records the pass, issues the certificate and credits CPD, each once."""
    _own(user, enrolment)
    module = m.Module.objects.get(pk=enrolment.module_id)
    ids = lesson_ids(module)
    with transaction.atomic():
        locked = m.Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if next_lesson(locked, ids) is not None:
            raise ValidationError(_("Finish every lesson before you take the quiz."))
        questions = list(m.QuizQuestion.objects.filter(module=module).prefetch_related("choices"))
        if not questions:
            raise ValidationError(_("This module has no quiz yet."))
        chosen: dict[str, int] = {}
        correct = 0
        missing = []
        for question in questions:
            raw = answers.get(question.pk, answers.get(str(question.pk)))
            choice = next((ch for ch in question.choices.all() if str(ch.pk) == str(raw)), None)
            if choice is None:
                missing.append(question.pk)
                continue
            chosen[str(question.pk)] = choice.pk
            correct += choice.is_correct
        if missing:
            raise ValidationError(_("Answer every question."))
        percent = score(correct, len(questions))
        passed = correct * 100 >= module.pass_mark * len(questions)
        attempt = m.QuizAttempt.objects.create(
            organisation=locked.organisation,
            enrolment=locked,
            answers=chosen,
            score=percent,
            passed=passed,
        )
        locked.best_score = max(locked.best_score or 0, percent)
        fields = ["best_score"]
        first_pass = passed and locked.passed_at is None
        if first_pass:
            locked.passed_at = attempt.submitted_at
            fields.append("passed_at")
        locked.save(update_fields=fields)
        audit.record(
            TrainingEvent.QUIZ_SUBMITTED,
            actor=user,
            organisation=locked.organisation,
            obj=locked,
            changes={"score": percent, "passed": passed},
        )
        if passed:
            _certify(user, locked, module)
    return attempt


def _certify(user, enrolment: m.Enrolment, module: m.Module) -> None:
    """The certificate and CPD credit for a pass, each made once whatever the retries."""
    organisation = enrolment.organisation
    completed_on = timezone.localdate(enrolment.passed_at)
    learner = m.Learner.objects.get(pk=enrolment.learner_id)
    if not m.Certificate.objects.filter(enrolment=enrolment).exists():
        issue_certificate(
            actor=user,
            organisation=organisation,
            holder_name=learner.name,
            course_title=module.title,
            course_title_cy=module.title_cy,
            cpd_hours=module.cpd_hours,
            completed_on=completed_on,
            language=user.preferred_language,
            enrolment=enrolment,
        )
    membership = access.memberships(user).get(organisation.pk)
    if membership is not None and not m.CpdEntry.objects.filter(enrolment=enrolment).exists():
        entry = m.CpdEntry.objects.create(
            organisation=organisation,
            membership_id=membership.pk,
            title=module.title,
            hours=module.cpd_hours,
            completed_on=completed_on,
            enrolment=enrolment,
        )
        audit.record(
            TrainingEvent.CPD_CREDITED,
            actor=user,
            organisation=organisation,
            obj=entry,
            changes={"hours": str(entry.hours), "enrolment": enrolment.pk},
        )
