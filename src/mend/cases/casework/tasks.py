"""Tasks done, and the Victims' Code duties met (information offered, referral to support)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import models as m
from mend.cases.events import CaseEvent
from mend.cases.kernel import lock_case, require_on_case
from mend.core import audit
from mend.core.roles import Perm


def complete_task(*, actor, task: m.Task, on: date | None = None) -> m.Task:
    """Mark a task done (today unless `on` says otherwise)."""
    require_on_case(actor, Perm.WORK_CASES, task.case)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"done_on": _("A task cannot be done in the future.")})
    with transaction.atomic():
        locked = m.Task.objects.select_for_update().get(pk=task.pk)
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


def _record_clock_date(actor, case: m.Case, field: str, on: date, action: str) -> m.Case:
    require_on_case(actor, Perm.WORK_CASES, case)
    if on is None:
        raise ValidationError({"on": _("Enter the date.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if case.reported_on and on < case.reported_on:
        raise ValidationError({"on": _("The date cannot be before the crime was reported.")})
    with transaction.atomic():
        locked = lock_case(case)
        old = getattr(locked, field)
        setattr(locked, field, on)
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save(update_fields=[field, "version", "updated_at"])
        audit.record(
            action,
            actor=actor,
            organisation=locked.organisation,
            obj=locked,
            changes={field: [old.isoformat() if old else None, on.isoformat()]},
        )
    return locked


def record_information_offered(*, actor, case: m.Case, on: date) -> m.Case:
    """The date the victim was offered information about restorative justice."""
    return _record_clock_date(
        actor, case, "information_offered_on", on, CaseEvent.INFORMATION_OFFERED
    )


def record_support_referral_made(*, actor, case: m.Case, on: date) -> m.Case:
    """The date the victim was referred to support services."""
    return _record_clock_date(
        actor, case, "support_referred_on", on, CaseEvent.SUPPORT_REFERRAL_MADE
    )
