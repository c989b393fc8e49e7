"""Moving a case through its named transitions, who works on it, its tasks and the Victims'
Code duties met (information offered, referral to support)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases import workflow
from mend.cases.events import CaseEvent
from mend.core import access, audit
from mend.core.changes import check_version, lock, update_fields
from mend.core.models import Membership
from mend.core.roles import Perm, Role

# Who may lead a case.
LEAD_ROLES = (Role.PRACTITIONER, Role.ADVANCED_PRACTITIONER, Role.MANAGER, Role.ADMINISTRATOR)


class TransitionRefused(ValidationError):
    """The transition may not happen now; `error_dict` says what is missing, by field or by the
    thing missing (`messages` lists every reason)."""

    def __init__(self, reasons: dict[str, list[str]]):
        super().__init__(reasons)


def touch_case(case: m.Case) -> None:
    """Mark the case as changed now (its lists sort by last change), without loading it."""
    m.Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())


# ---------------------------------------------------------------- transitions


def transition(
    *,
    actor: Any,
    case: m.Case,
    name: str,
    reason: str = "",
    closure_reason: str = "",
    version: int | None = None,
) -> m.Case:
    if name not in workflow.TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    step = workflow.TRANSITIONS[name]
    access.require(actor, step.perm, case)
    with transaction.atomic():
        case = lock(case)
        check_version(
            case,
            version,
            _(
                "Someone else changed this case while you were looking at it. Nothing was "
                "changed: check the case and try again."
            ),
        )
        reasons = workflow.blockers(case, name)
        if step.needs_reason and not reason.strip():
            reasons.setdefault("reason", []).append(_("Give a reason."))
        if name == "close" and closure_reason not in c.ClosureReason.values:
            reasons.setdefault("closure_reason", []).append(_("Choose why the case is closing."))
        if reasons:
            raise TransitionRefused(reasons)
        old = case.status
        new = step.target or case.paused_from or c.Status.ACCEPTED
        _apply_side_effects(case, name, reason, closure_reason)
        case.status = new
        if name == "pause":
            case.paused_from, case.pause_reason = old, reason.strip()
        elif name == "resume":
            case.paused_from, case.pause_reason = "", ""
        case.version += 1
        case.updated_at = timezone.now()
        case.save()
        m.StatusChange.objects.create(
            organisation=case.organisation,
            case=case,
            transition=name,
            from_status=old,
            to_status=new,
            # Closure notes are sensitive: kept encrypted on the case, not in the history.
            reason="" if name == "close" else reason.strip()[:500],
            by=actor,
        )
        audit.record_for(
            CaseEvent(f"case.{name}"),
            case,
            actor=actor,
            changes={"status": [old, new]},
        )
    return case


def _apply_side_effects(case: m.Case, name: str, reason: str, closure_reason: str) -> None:
    today = timezone.localdate()
    if name == "accept":
        case.accepted_on = today
        lead = _lead(case)
        m.Task.objects.bulk_create(
            m.Task(
                organisation=case.organisation,
                case=case,
                kind=f"timeline:{step.kind}",
                title=str(c.TimelineStepKind(step.kind).label),
                assignee=lead,
                due_on=today + timedelta(days=step.day_offset),
            )
            for step in case.case_type.steps.all()
        )
        _tell_referrer(case, "accepted")
    elif name == "decline":
        case.decision_reason = reason.strip()
        _tell_referrer(case, "declined")
    elif name == "close":
        case.closure_reason, case.closure_notes = closure_reason, reason.strip()
        case.closed_on = today
        # The expected timeline no longer applies; tasks to tell people things stay open.
        m.Task.objects.filter(case=case, done_on=None, kind__startswith="timeline:").update(
            done_on=today
        )
        m.Task.objects.create(
            organisation=case.organisation,
            case=case,
            kind="follow_up",
            title=_("Follow-up contact after closure"),
            assignee=_lead(case),
            due_on=today + timedelta(days=28),
        )
        _tell_referrer(case, "closed")


def _lead(case: m.Case) -> Membership | None:
    allocation = case.allocations.filter(role=c.AllocationRole.LEAD, ended_on=None).first()
    return allocation.membership if allocation else None


def _tell_referrer(case: m.Case, what: str) -> None:
    """The referrer hears the decision and the closure, never any party's details."""
    contact = case.referrer_contact or {}
    email = case.referrer.email if case.referrer else contact.get("email", "")
    if not email:
        return
    language = case.referrer.preferred_language if case.referrer else "en"
    with translation.override(language):
        subject = {
            "accepted": _("Referral %(ref)s has been accepted"),
            "declined": _("Referral %(ref)s has been declined"),
            "closed": _("Referral %(ref)s has been closed"),
        }[what] % {"ref": case.reference}
        body = render_to_string("cases/email/referrer_update.txt", {"case": case, "what": what})
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))


# ---------------------------------------------------------------- allocation


def allocate(*, actor: Any, case: m.Case, membership: Membership, role: str) -> m.Allocation:
    access.require(actor, Perm.ALLOCATE_CASES, case)
    if role not in c.AllocationRole.values:
        raise ValidationError({"role": _("Choose lead, co-worker or observer.")})
    if membership.organisation_id != case.organisation_id or not membership.is_active:
        raise ValidationError(_("Choose an active member of this organisation."))
    if role == c.AllocationRole.LEAD and membership.role not in LEAD_ROLES:
        raise ValidationError({"membership": _("A lead practitioner must be a practitioner.")})
    with transaction.atomic():
        case = lock(case)
        today = timezone.localdate()
        current = m.Allocation.objects.filter(case=case, ended_on=None)
        current.filter(membership=membership).update(ended_on=today)
        if role == c.AllocationRole.LEAD:
            current.filter(role=c.AllocationRole.LEAD).update(ended_on=today)
        allocation = m.Allocation.objects.create(
            organisation=case.organisation,
            case=case,
            membership=membership,
            role=role,
            started_on=today,
        )
        if role == c.AllocationRole.LEAD:
            m.Task.objects.filter(case=case, done_on=None, assignee=None).update(
                assignee=membership
            )
        audit.record_for(
            CaseEvent.ALLOCATED,
            case,
            actor=actor,
            changes={"allocation": [None, {"member": membership.pk, "role": role}]},
        )
    return allocation


def end_allocation(*, actor: Any, allocation: m.Allocation) -> None:
    access.require(actor, Perm.ALLOCATE_CASES, allocation.case)
    if allocation.ended_on:
        raise ValidationError(_("This person is no longer allocated."))
    with transaction.atomic():
        allocation.ended_on = timezone.localdate()
        allocation.save(update_fields=["ended_on"])
        audit.record(
            CaseEvent.ALLOCATION_ENDED,
            actor=actor,
            organisation=allocation.organisation,
            obj=allocation.case,
            changes={
                "allocation": [{"member": allocation.membership_id, "role": allocation.role}, None]
            },
        )


# ---------------------------------------------------------------- tasks and duties


def complete_task(*, actor: Any, task: m.Task, on: date | None = None) -> m.Task:
    """Mark a task done (today unless `on` says otherwise)."""
    access.require(actor, Perm.WORK_CASES, task.case)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"done_on": _("A task cannot be done in the future.")})
    with transaction.atomic():
        locked = lock(task)
        if locked.done_on is not None:
            raise ValidationError(_("This task is already done."))
        locked.done_on = on
        locked.save(update_fields=["done_on"])
        audit.record(
            CaseEvent.TASK_DONE,
            actor=actor,
            organisation=locked.organisation,
            obj=locked.case,
            changes={"task": locked.pk, "done_on": [None, on.isoformat()]},
        )
    return locked


def _record_clock_date(actor: Any, case: m.Case, field: str, on: date, action: str) -> m.Case:
    if on is None:
        raise ValidationError({"on": _("Enter the date.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if case.reported_on and on < case.reported_on:
        raise ValidationError({"on": _("The date cannot be before the crime was reported.")})
    locked, _changes = update_fields(case, {field: on}, actor=actor, action=action)
    return locked


def record_information_offered(*, actor: Any, case: m.Case, on: date) -> m.Case:
    """The date the victim was offered information about restorative justice."""
    access.require(actor, Perm.WORK_CASES, case)
    return _record_clock_date(
        actor, case, "information_offered_on", on, CaseEvent.INFORMATION_OFFERED
    )


def record_support_referral_made(*, actor: Any, case: m.Case, on: date) -> m.Case:
    """The date the victim was referred to support services."""
    access.require(actor, Perm.WORK_CASES, case)
    return _record_clock_date(
        actor, case, "support_referred_on", on, CaseEvent.SUPPORT_REFERRAL_MADE
    )
