"""Training actions: cancelling sessions (with the fee the signed policy sets) and postponing them.

Cancelling is two steps: `quote_cancellation` stores an immutable quote listing every tier
checked; `confirm_cancellation` cancels the sessions, credits what was invoiced for them and
issues the fee invoice, in one transaction, and tells the client contact (by a task, after
commit). A postponement moves a session free of charge when the signed policy allows it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.changes import lock
from mend.core.models import User
from mend.core.roles import Perm
from mend.training import choices as c
from mend.training import models as m
from mend.training import tasks, workflow
from mend.training.delivery.queries import clashing_sessions
from mend.training.events import TrainingEvent
from mend.training.money import engine
from mend.training.money.issuing import LineSpec, issue_document, session_label
from mend.training.money.queries import (
    cancellation_sessions,
    postponement_problem,
    signed_policy,
    uncredited_lines,
)
from mend.training.workflow import refresh_status

__all__ = [
    "confirm_cancellation",
    "postpone_session",
    "quote_cancellation",
]


def quote_cancellation(
    *,
    actor: User,
    engagement: m.Engagement,
    sessions: list[m.DeliverySession] | None = None,
    cancelled_on: date | None = None,
    reason: str = "",
) -> m.CancellationQuote:
    """Work out (and keep) what cancelling these sessions today costs, with every tier checked.

    `sessions` None means every session still scheduled (the whole engagement)."""
    access.require(actor, Perm.MANAGE_TRAINING, engagement)
    organisation = engagement.organisation
    if engagement.status not in workflow.CANCELLABLE:
        raise ValidationError(_("This engagement is already cancelled."))
    open_sessions = cancellation_sessions(engagement)
    open_ids = {s.pk for s in open_sessions}
    if sessions is None:
        chosen = open_sessions
    else:
        chosen = [s for s in open_sessions if s.pk in {x.pk for x in sessions}]
        if len(chosen) != len({x.pk for x in sessions}):
            raise ValidationError(
                {"sessions": _("Only scheduled sessions can be cancelled. Check your choice.")}
            )
    if not chosen and engagement.status not in workflow.BEFORE_SIGNING:
        raise ValidationError({"sessions": _("Choose at least one session to cancel.")})
    cancelled_on = cancelled_on or timezone.localdate()
    policy = signed_policy(engagement)
    language = translation.get_language() or "en"
    result = engine.quote(
        policy,
        [
            engine.SessionToCancel(
                session_id=s.pk,
                delivery=s.starts_at,
                value=s.value,
                label=session_label(s, language),
            )
            for s in chosen
        ],
        cancelled_on,
    )
    whole = {s.pk for s in chosen} == open_ids
    with transaction.atomic():
        quote = m.CancellationQuote.objects.create(
            organisation=organisation,
            engagement=engagement,
            created_by=actor,
            cancelled_on=cancelled_on,
            session_ids=sorted(s.pk for s in chosen),
            whole_engagement=whole,
            reason=reason.strip()[:300],
            result=result.as_json(),
            policy_snapshot=policy.as_json() if policy else None,
            cancelled_value=result.cancelled_value,
            fee_total=result.total,
        )
        audit.record(
            TrainingEvent.CANCELLATION_QUOTED,
            actor=actor,
            organisation=organisation,
            obj=quote,
            changes={
                "sessions": quote.session_ids,
                "cancelled_value": str(result.cancelled_value),
                "fee": str(result.total),
            },
        )
    return quote


def confirm_cancellation(
    *, actor: User, quote: m.CancellationQuote
) -> tuple[list[m.Invoice], m.Invoice | None]:
    """Cancel the quoted sessions, credit what was invoiced for them, issue the fee invoice and
    tell the client contact: all in one transaction. Returns (credit notes, fee invoice or None).
    """
    access.require(actor, Perm.MANAGE_TRAINING, quote)
    organisation = quote.organisation
    with transaction.atomic():
        engagement = m.Engagement.objects.select_for_update().get(pk=quote.engagement_id)
        locked = lock(quote)
        if locked.confirmed_at:
            raise ValidationError(_("This cancellation has already been confirmed."))
        if locked.cancelled_on != timezone.localdate():
            raise ValidationError(
                _(
                    "This quote was worked out for %(date)s. Fees depend on the date, so work "
                    "out a new quote for today."
                )
                % {"date": locked.cancelled_on.strftime("%d/%m/%Y")}
            )
        newer = m.CancellationQuote.objects.filter(
            engagement=engagement, created_at__gt=locked.created_at
        ).exists()
        sessions = list(
            m.DeliverySession.objects.select_for_update()
            .filter(pk__in=locked.session_ids)
            .select_related("engagement__course")
        )
        if (
            newer
            or any(s.status != c.SessionStatus.SCHEDULED for s in sessions)
            or len(sessions) != len(locked.session_ids)
        ):
            raise ValidationError(
                _("The sessions have changed since this quote was made. Work out a new quote.")
            )
        now = timezone.now()
        for session in sessions:
            session.status = c.SessionStatus.CANCELLED
            session.cancelled_at = now
            session.cancellation = locked
            session.version += 1
            session.save(update_fields=["status", "cancelled_at", "cancellation", "version"])
        credit_notes = _credit_sessions(actor, engagement, locked, {s.pk for s in sessions})
        fee_invoice = _fee_invoice(actor, engagement, locked)
        locked.confirmed_at, locked.confirmed_by = now, actor
        locked.save(update_fields=["confirmed_at", "confirmed_by"])
        remaining = engagement.sessions.exclude(status=c.SessionStatus.CANCELLED).exists()
        old_status = engagement.status
        if not remaining:
            workflow.move(engagement, c.EngagementStatus.CANCELLED, cancelled_at=now)
            m.ServiceLevelAgreement.objects.filter(
                engagement=engagement, status=c.SlaStatus.SENT
            ).update(status=c.SlaStatus.WITHDRAWN)
        else:
            refresh_status(engagement)
        audit.record(
            TrainingEvent.CANCELLATION_CONFIRMED,
            actor=actor,
            organisation=organisation,
            obj=locked,
            changes={
                "sessions": locked.session_ids,
                "status": [old_status, engagement.status],
                "fee_invoice": fee_invoice.number if fee_invoice else None,
                "credit_notes": [n.number for n in credit_notes],
            },
        )
        transaction.on_commit(lambda: tasks.email_cancellation.enqueue(locked.pk))
    return credit_notes, fee_invoice


def _credit_sessions(
    actor: User, engagement: m.Engagement, quote: m.CancellationQuote, session_ids: set[int]
) -> list[m.Invoice]:
    """A credit note for each invoice that charged any of these sessions (those lines only)."""
    lines = uncredited_lines(engagement, session_ids)
    by_invoice: dict[int, list[m.InvoiceLine]] = {}
    for line in lines:
        by_invoice.setdefault(line.invoice_id, []).append(line)
    notes = []
    for invoice_lines in by_invoice.values():
        invoice = invoice_lines[0].invoice
        notes.append(
            issue_document(
                actor=actor,
                organisation=engagement.organisation,
                kind=c.InvoiceKind.CREDIT_NOTE,
                client=engagement.client,
                engagement=engagement,
                credits=invoice,
                cancellation=quote,
                vat_rate=invoice.vat_rate,
                lines=[
                    LineSpec(line.description, line.amount, line.quantity, line.session)
                    for line in invoice_lines
                ],
            )
        )
    return notes


def _fee_invoice(
    actor: User, engagement: m.Engagement, quote: m.CancellationQuote
) -> m.Invoice | None:
    if quote.fee_total <= 0:
        return None
    language = engagement.language
    lines = []
    with translation.override(language):
        for line in quote.result.get("lines", []):
            fee = Decimal(line["fee"])
            if fee <= 0:
                continue
            chosen = next((ch for ch in line["checks"] if ch.get("chosen")), None)
            tier = _tier_name(chosen) if chosen else ""
            when = date.fromisoformat(line["delivery_date"]).strftime("%d/%m/%Y")
            lines.append(
                LineSpec(
                    _("Cancellation fee for the session on %(date)s: %(tier)s of %(value)s")
                    % {"date": when, "tier": tier, "value": f"£{Decimal(line['value']):,.2f}"},
                    fee,
                )
            )
        top_up = Decimal(quote.result.get("minimum_top_up", "0"))
        if top_up > 0:
            lines.append(
                LineSpec(_("Minimum fee for preparation and resources already produced"), top_up)
            )
    return issue_document(
        actor=actor,
        organisation=engagement.organisation,
        kind=c.InvoiceKind.INVOICE,
        client=engagement.client,
        engagement=engagement,
        cancellation=quote,
        lines=lines,
    )


def _tier_name(check: dict) -> str:
    percent = engine.percent_label(check["percent"])
    if check["kind"] == engine.AFTER_SIGNING:
        return _("%(percent)s%% after signing") % {"percent": percent}
    return _("%(percent)s%% within %(days)s days of delivery") % {
        "percent": percent,
        "days": check["days"],
    }


def postpone_session(
    *,
    actor: User,
    session: m.DeliverySession,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
) -> m.DeliverySession:
    """Move a session to new times without a fee, when the signed policy allows it."""
    access.require(actor, Perm.MANAGE_TRAINING, session)
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a new date in the future.")})
    problem = postponement_problem(session)
    if problem:
        raise ValidationError(problem)
    for allocation in session.allocations.select_related("membership__user"):
        clash = clashing_sessions(allocation.membership, starts_at, ends_at, session.pk).first()
        if clash is not None:
            raise ValidationError(
                _("%(trainer)s is already training %(reference)s at that time.")
                % {
                    "trainer": allocation.membership.user.full_name
                    or allocation.membership.user.email,
                    "reference": clash.engagement.reference,
                }
            )
    with transaction.atomic():
        locked = lock(session)
        old = locked.starts_at
        if locked.original_starts_at is None:
            locked.original_starts_at = old
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.postponements += 1
        locked.version += 1
        locked.save()
        audit.record_for(
            TrainingEvent.SESSION_POSTPONED,
            locked,
            actor=actor,
            changes={"starts_at": [old, starts_at], "reason": reason.strip()[:300]},
        )
    return locked
