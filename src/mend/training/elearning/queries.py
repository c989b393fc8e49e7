"""E-learning reads: accounts, a learner's progress through a module, links for emails, and the
lists of the authoring and learner pages. Read-only."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from mend.core import access
from mend.core.models import Membership, Organisation
from mend.training import models as m
from mend.training.tokens import public_url


def email_in_use(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=(email or "").strip()).exists()


def can_self_enrol(user: object, module: m.Module) -> bool:
    """A published module open to the public, or one of the person's own organisations."""
    if not module.is_published:
        return False
    return module.open_to_public or module.organisation_id in access.memberships(user)


def is_own(user: Any, enrolment: m.Enrolment) -> bool:
    """Whether the enrolment is the signed-in person's own."""
    owner = m.Learner.objects.filter(pk=enrolment.learner_id).values_list("user_id", flat=True)
    return bool(getattr(user, "is_authenticated", False)) and list(owner) == [user.pk]


# ---------------------------------------------------------------- progress


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


def score(correct: int, total: int) -> int:
    """Whole percent, rounded down (so a score shown as the pass mark has really reached it)."""
    return correct * 100 // total if total else 0


def publish_problem(module: m.Module) -> str | None:
    """Why the module cannot be published yet, or None."""
    if not m.Lesson.objects.filter(module=module).exists():
        return _("Add at least one lesson before you publish the module.")
    if not m.QuizQuestion.objects.filter(module=module).exists():
        return _("Add at least one quiz question before you publish the module.")
    return None


# ---------------------------------------------------------------- links for emails


def set_password_url(user: object) -> str:
    """allauth's reset-from-key link: the person chooses their own password."""
    return public_url(
        "account_reset_password_from_key",
        user_pk_to_url_str(user),
        default_token_generator.make_token(user),
    )


def learn_url(name: str, organisation: Organisation, *args: object) -> str:
    return settings.MEND_BASE_URL.rstrip("/") + reverse(name, args=[organisation.slug, *args])


# ---------------------------------------------------------------- lists


def modules_with_counts() -> QuerySet:
    return m.Module.objects.annotate(
        lesson_count=Count("lessons", distinct=True),
        question_count=Count("questions", distinct=True),
        enrolment_count=Count("enrolments", distinct=True),
    ).order_by("title", "pk")


def module_lessons(module: m.Module) -> list[m.Lesson]:
    return list(m.Lesson.objects.filter(module=module).order_by("position", "pk"))


def module_questions(module: m.Module) -> list[m.QuizQuestion]:
    return list(
        m.QuizQuestion.objects.filter(module=module)
        .prefetch_related("choices")
        .order_by("position", "pk")
    )


def module_enrolments(module: m.Module) -> QuerySet:
    return (
        m.Enrolment.objects.filter(module=module)
        .select_related("learner", "client", "certificate")
        .order_by("-enrolled_at", "-pk")
    )


def mark_progress(enrolments: Iterable[m.Enrolment], ids: list[int]) -> None:
    """Set `done` (lessons) and `percent` on each enrolment, from the module's lesson ids."""
    for enrolment in enrolments:
        enrolment.done = lessons_done(enrolment, ids)
        enrolment.percent = progress_percent(enrolment, ids)


def active_clients() -> list[m.Client]:
    return list(m.Client.objects.filter(is_active=True).order_by("name", "pk")[:500])


def cpd_entries(membership: Membership) -> QuerySet:
    return m.CpdEntry.objects.filter(membership=membership).order_by("-completed_on", "-pk")


def cpd_total(entries: QuerySet) -> Decimal | int:
    return entries.aggregate(total=Sum("hours"))["total"] or 0
