"""What every casework action shares: the permission check and the version check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from mend.cases import models as m
from mend.cases.access import can_on_case
from mend.core import access


def require_on_case(actor, perm: str, case: m.Case) -> None:
    """`actor` must hold `perm` in the case's organisation and be able to reach this case."""
    if not access.has_perm(actor, perm, case.organisation) or not can_on_case(actor, perm, case):
        raise PermissionDenied(_("You cannot do this on this case."))


def check_version(obj, expected: int | None) -> None:
    if expected is not None and obj.version != expected:
        raise ValidationError(
            _(
                "Someone else changed this record while you were editing it. Nothing was saved: "
                "review their change and try again."
            )
        )


def lock_case(case: m.Case) -> m.Case:
    """The case row, locked for the rest of the transaction (one change at a time)."""
    return m.Case.objects.select_for_update().get(pk=case.pk)


def touch(case: m.Case) -> None:
    from django.utils import timezone

    m.Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
