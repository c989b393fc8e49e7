"""Case studies: a draft built by the anonymiser, edited, approved, published and taken down.

Only an approved study whose every principal party still consents is published; any edit
withdraws the approval (see `outcomes/case_study.py` for what the anonymiser checks)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import models as m
from mend.cases.events import CaseEvent
from mend.cases.outcomes import case_study as anonymiser
from mend.cases.outcomes import queries
from mend.core import access, audit, changes
from mend.core.models import User
from mend.core.roles import Perm

__all__ = [
    "CaseStudyRefused",
    "approve_case_study",
    "draft_case_study",
    "edit_case_study",
    "publish_case_study",
    "unpublish_case_study",
]


class CaseStudyRefused(ValidationError):
    def __init__(self, reasons: list[str]):
        super().__init__(reasons)
        self.reasons = reasons


def _lock_with_case(study: m.CaseStudy) -> m.CaseStudy:
    return m.CaseStudy.objects.select_for_update().select_related("case").get(pk=study.pk)


def _anonymity_problems(study: m.CaseStudy) -> list[str]:
    return anonymiser.problems(study.case, f"{study.title}\n{study.narrative}")


def _save(
    study: m.CaseStudy, *, actor: User, event: str, changed: dict[str, Any] | None = None
) -> None:
    """Save a locked study as a new version, with its event (and what `changed`, if it says)."""
    study.version += 1
    study.save()
    audit.record(event, actor=actor, organisation=study.organisation, obj=study, changes=changed)


def draft_case_study(*, actor: User, case: m.Case) -> m.CaseStudy:
    access.require(actor, Perm.WORK_CASES, case)
    title, narrative = anonymiser.build_draft(case)
    with transaction.atomic():
        study = m.CaseStudy.objects.create(
            organisation=case.organisation, case=case, title=title[:200], narrative=narrative
        )
        audit.record_for(
            CaseEvent.CASE_STUDY_DRAFTED,
            case,
            actor=actor,
            changes={"case_study": study.pk},
        )
    return study


def edit_case_study(
    *, actor: User, study: m.CaseStudy, title: str, narrative: str, version: int | None
) -> m.CaseStudy:
    """An edit withdraws any approval and publication: the new text must be approved again."""
    access.require(actor, Perm.WORK_CASES, study)
    if not title.strip():
        raise ValidationError({"title": _("Enter a title.")})
    if not narrative.strip():
        raise ValidationError({"narrative": _("Enter the story.")})
    with transaction.atomic():
        study = changes.lock(study)
        changes.check_version(study, version)
        before = audit.snapshot(study, ["title", "narrative", "approved_at", "published_at"])
        study.title, study.narrative = title.strip(), narrative.strip()
        if before["title"] != study.title or before["narrative"] != study.narrative:
            study.approved_by, study.approved_at, study.published_at = None, None, None
        _save(
            study,
            actor=actor,
            event=CaseEvent.CASE_STUDY_EDITED,
            changed=audit.diff(study, before, ["title", "approved_at", "published_at"]),
        )
    return study


def approve_case_study(
    *, actor: User, study: m.CaseStudy, version: int | None = None
) -> m.CaseStudy:
    access.require(actor, Perm.PUBLISH_CASE_STUDIES, study)
    with transaction.atomic():
        study = _lock_with_case(study)
        changes.check_version(study, version)
        reasons = _anonymity_problems(study)
        if reasons:
            raise CaseStudyRefused(reasons)
        study.approved_by, study.approved_at = actor, timezone.now()
        _save(study, actor=actor, event=CaseEvent.CASE_STUDY_APPROVED)
    return study


def publish_case_study(*, actor: User, study: m.CaseStudy) -> m.CaseStudy:
    """Only an approved study, with every principal party's current consent, is published."""
    access.require(actor, Perm.PUBLISH_CASE_STUDIES, study)
    with transaction.atomic():
        study = _lock_with_case(study)
        reasons = []
        if study.published_at:
            reasons.append(_("This case study is already published."))
        if not study.approved_at:
            reasons.append(_("The case study must be approved before it is published."))
        reasons += queries.missing_case_study_consents(study.case)
        reasons += _anonymity_problems(study)
        if reasons:
            raise CaseStudyRefused(reasons)
        study.published_at = timezone.now()
        _save(study, actor=actor, event=CaseEvent.CASE_STUDY_PUBLISHED)
    return study


def unpublish_case_study(*, actor: User, study: m.CaseStudy) -> m.CaseStudy:
    access.require(actor, Perm.PUBLISH_CASE_STUDIES, study)
    with transaction.atomic():
        study = changes.lock(study)
        if not study.published_at:
            raise CaseStudyRefused([_("This case study is not published.")])
        study.published_at = None
        _save(study, actor=actor, event=CaseEvent.CASE_STUDY_UNPUBLISHED)
    return study
