"""Pre- and post-course confidence surveys: the questions, and the results per course and per
trainer (average answer before and after, per question, with the number of responses).

Each attendee gets one survey link per stage (`EvaluationRequest`); the answers are stored as
{question code: 1..5}. Results are computed in the database, one query per page whatever the
number of responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.core.mail import send_mail
from django.db.models import Avg, Count, FloatField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mend.training import choices as c
from mend.training import models as m
from mend.training.delivery.queries import evaluation_url

SCALE = range(1, 6)
SCALE_LABELS = {
    1: _("1 – strongly disagree"),
    2: _("2 – disagree"),
    3: _("3 – neither agree nor disagree"),
    4: _("4 – agree"),
    5: _("5 – strongly agree"),
}

# Codes are stored with the answers: never reuse a code for a different statement.
QUESTIONS: list[tuple[str, object]] = [
    ("explain", _("I can explain what restorative practice is")),
    ("questions", _("I feel confident using restorative questions")),
    ("conversation", _("I could facilitate a restorative conversation")),
    ("harm", _("I understand how harm affects relationships and what helps to repair it")),
    ("apply", _("I know how I will use restorative approaches in my work")),
]
CODES = [code for code, _label in QUESTIONS]


@dataclass(frozen=True)
class QuestionResult:
    code: str
    label: object
    pre: Decimal | None
    post: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.pre is None or self.post is None:
            return None
        return self.post - self.pre


@dataclass(frozen=True)
class Results:
    pre_responses: int
    post_responses: int
    questions: list[QuestionResult]

    @property
    def any(self) -> bool:
        return bool(self.pre_responses or self.post_responses)


def _one_place(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def results(requests) -> Results:
    """Average answers before and after, from a queryset of EvaluationRequest (one query)."""
    answered = requests.filter(answered_at__isnull=False)
    averages = {
        f"{stage}_{code}": Avg(Cast(KT(f"answers__{code}"), FloatField()), filter=Q(stage=stage))
        for stage in c.SurveyStage.values
        for code in CODES
    }
    row = answered.aggregate(
        pre_responses=Count("pk", filter=Q(stage=c.SurveyStage.PRE)),
        post_responses=Count("pk", filter=Q(stage=c.SurveyStage.POST)),
        **averages,
    )
    return Results(
        pre_responses=row["pre_responses"],
        post_responses=row["post_responses"],
        questions=[
            QuestionResult(
                code=code,
                label=label,
                pre=_one_place(row[f"pre_{code}"]),
                post=_one_place(row[f"post_{code}"]),
            )
            for code, label in QUESTIONS
        ],
    )


def course_results(course: m.Course) -> Results:
    return results(m.EvaluationRequest.objects.filter(attendee__engagement__course=course))


def trainer_results(membership) -> Results:
    """Surveys of attendees of engagements where `membership` trained a (not cancelled) session."""
    engagements = (
        m.SessionTrainer.objects.filter(membership=membership)
        .exclude(session__status=c.SessionStatus.CANCELLED)
        .values("session__engagement")
    )
    return results(m.EvaluationRequest.objects.filter(attendee__engagement__in=engagements))


def clean_answers(answers: dict) -> dict[str, int]:
    """The answers that are a whole number from 1 to 5, by question code (others left out)."""
    cleaned: dict[str, int] = {}
    for code in CODES:
        try:
            value: int | None = int(cast(Any, answers.get(code)))  # None: TypeError below
        except (TypeError, ValueError):
            value = None
        if value is None or value not in SCALE:
            continue
        cleaned[code] = value
    return cleaned


def email_evaluation(request: m.EvaluationRequest, attendee: m.Attendee, token: str) -> None:
    """Email one attendee their one-time survey link (after the sending action commits)."""
    language = attendee.language
    organisation_name = request.organisation.display_name(language)
    with translation.override(language):
        context = {
            "name": attendee.name,
            "organisation_name": organisation_name,
            "course": attendee.engagement.course.label,
            "stage": request.stage,
            "url": evaluation_url(token),
            "expires_at": request.expires_at,
        }
        if request.stage == c.SurveyStage.PRE:
            subject = gettext("Before your training with %(organisation)s: a short survey")
        else:
            subject = gettext("After your training with %(organisation)s: a short survey")
        subject = subject % {"organisation": organisation_name}
        body = render_to_string("training/email/evaluation.txt", context)
    send_mail(subject, body, None, [attendee.email])
