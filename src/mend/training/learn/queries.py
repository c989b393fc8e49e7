"""Reads of the learner's pages: the catalogue, the learner's own enrolments, lessons, attempts
and certificate. Learners have no membership: every read is limited to the signed-in person's own
rows (in the organisation scope the view set from the URL). Read-only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from mend.core import access
from mend.core.models import Organisation
from mend.training import models as m
from mend.training.elearning.queries import lessons_done, progress_percent


def catalogue_modules(user: Any, organisation: Organisation) -> QuerySet:
    """Published modules: members also see those not open to the public."""
    is_member = organisation.pk in access.memberships(user)
    shown = Q(is_published=True) & (Q() if is_member else Q(open_to_public=True))
    return m.Module.objects.filter(shown).order_by("title", "pk")


def mark_enrolled(user: Any, modules: Iterable[m.Module]) -> None:
    """Set `enrolment_pk` on each module: the person's enrolment in it, or None."""
    enrolled = {}
    if getattr(user, "is_authenticated", False):
        enrolled = dict(
            m.Enrolment.objects.filter(
                learner__user=user, module__in=[mod.pk for mod in modules]
            ).values_list("module_id", "pk")
        )
    for module in modules:
        module.enrolment_pk = enrolled.get(module.pk)


def own_enrolment(user: Any, pk: int) -> m.Enrolment | None:
    """The signed-in person's own enrolment with this id, or None (anyone else's too)."""
    return (
        m.Enrolment.objects.filter(pk=pk, learner__user=user)
        .select_related("module", "learner")
        .first()
    )


def dashboard_enrolments(user: Any) -> list[m.Enrolment]:
    """The person's latest enrolments, each with `percent`, `done` and `total` lessons."""
    enrolments = list(
        m.Enrolment.objects.filter(learner__user=user)
        .select_related("module", "certificate")
        .order_by("-enrolled_at", "-pk")[:100]
    )
    by_module: dict[int, list[int]] = {}
    for module_id, pk in (
        m.Lesson.objects.filter(module__in={e.module_id for e in enrolments})
        .order_by("module", "position", "pk")
        .values_list("module_id", "pk")
    ):
        by_module.setdefault(module_id, []).append(pk)
    for enrolment in enrolments:
        ids = by_module.get(enrolment.module_id, [])
        enrolment.percent = progress_percent(enrolment, ids)
        enrolment.done = lessons_done(enrolment, ids)
        enrolment.total = len(ids)
    return enrolments


def module_lessons(enrolment: m.Enrolment) -> list[m.Lesson]:
    """The module's lessons in order, each with `is_done`."""
    lessons = list(m.Lesson.objects.filter(module=enrolment.module_id).order_by("position", "pk"))
    done = set(enrolment.completed_lessons or [])
    for lesson in lessons:
        lesson.is_done = lesson.pk in done
    return lessons


def recent_attempts(enrolment: m.Enrolment) -> list[m.QuizAttempt]:
    return list(m.QuizAttempt.objects.filter(enrolment=enrolment).order_by("-submitted_at")[:20])


def quiz_questions(enrolment: m.Enrolment) -> list[m.QuizQuestion]:
    return list(
        m.QuizQuestion.objects.filter(module=enrolment.module_id)
        .prefetch_related("choices")
        .order_by("position", "pk")
    )


def valid_certificate(enrolment: m.Enrolment) -> m.Certificate | None:
    return (
        m.Certificate.objects.filter(enrolment=enrolment, revoked_at__isnull=True)
        .select_related("organisation")
        .first()
    )
