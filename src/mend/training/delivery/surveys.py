"""Training actions: the confidence surveys of delivery (sending the one-time links, and an
attendee's answers through theirs)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.roles import Perm
from mend.core.tenancy import organisation_scope
from mend.training import choices as c
from mend.training import models as m
from mend.training.delivery import evaluation
from mend.training.delivery.queries import evaluation_problem, find_evaluation
from mend.training.events import TrainingEvent
from mend.training.tokens import hash_token, new_token

__all__ = ["EVALUATION_DAYS", "answer_evaluation", "send_evaluations"]

EVALUATION_DAYS = 30


def send_evaluations(
    *, actor: object, engagement: m.Engagement, stage: str
) -> list[tuple[m.EvaluationRequest, str]]:
    """Email a one-time survey link to each attendee with an email address who has not been sent
    this stage's survey. Returns the requests made, each with its token (only its hash is kept)."""
    access.require(actor, Perm.MANAGE_TRAINING, engagement)
    organisation = engagement.organisation
    if stage not in c.SurveyStage.values:
        raise ValidationError({"stage": _("Choose which survey to send.")})
    if engagement.status == c.EngagementStatus.CANCELLED:
        raise ValidationError(_("The engagement is cancelled."))
    if (
        stage == c.SurveyStage.POST
        and not engagement.sessions.filter(status=c.SessionStatus.DELIVERED).exists()
    ):
        raise ValidationError(
            {"stage": _("Send the after-course survey once a session has been delivered.")}
        )
    attendees = list(
        m.Attendee.objects.filter(engagement=engagement)
        .exclude(email="")
        .exclude(evaluations__stage=stage)
    )
    if not attendees:
        raise ValidationError(
            _("Everyone on the list with an email address has already been sent this survey.")
        )
    now = timezone.now()
    made = []
    with transaction.atomic():
        for attendee in attendees:
            token = new_token()
            request = m.EvaluationRequest.objects.create(
                organisation=organisation,
                attendee=attendee,
                stage=stage,
                token_hash=hash_token(token),
                sent_at=now,
                expires_at=now + timedelta(days=EVALUATION_DAYS),
            )
            made.append((request, token))
            transaction.on_commit(partial(evaluation.email_evaluation, request, attendee, token))
        audit.record(
            TrainingEvent.EVALUATIONS_SENT,
            actor=actor,
            organisation=organisation,
            obj=engagement,
            changes={"stage": stage, "count": len(made)},
        )
    return made


def answer_evaluation(*, token: str, answers: dict, comments: str = "") -> m.EvaluationRequest:
    """Store an attendee's answers, once. No signed-in actor: the token is the credential."""
    cleaned = evaluation.clean_answers(answers)
    missing = {
        code: _("Choose a number from 1 to 5.") for code in evaluation.CODES if code not in cleaned
    }
    if missing:
        raise ValidationError(missing)
    found = find_evaluation(token)
    if found is None:
        raise ValidationError(cast(tuple[int, str], evaluation_problem(None))[1])
    with organisation_scope(found.organisation), transaction.atomic():
        request = m.EvaluationRequest.across_organisations.select_for_update().get(pk=found.pk)
        problem = evaluation_problem(request)
        if problem:
            raise ValidationError(problem[1])
        request.answers = cleaned
        request.comments = (comments or "").strip()[:5000]
        request.answered_at = timezone.now()
        request.save(update_fields=["answers", "comments", "answered_at"])
        audit.record(
            TrainingEvent.EVALUATION_ANSWERED,
            organisation=found.organisation,
            obj=request,
            changes={"stage": request.stage, "comments": audit.REDACTED if comments else None},
            acting_for=f"attendee:{request.attendee_id}",
        )
    return request
