"""Training actions: invoices, credit notes, payments, cancellations and postponements.

Issued invoices never change (models.ImmutableOnceIssued). Numbers come from
`numbering.next_number` inside the issuing transaction, so they are gapless per organisation and
prefix. Cancelling is two steps: `quote_cancellation` stores an immutable quote listing every tier
checked; `confirm_cancellation` cancels the sessions, credits what was invoiced for them and
issues the fee invoice, in one transaction, and tells the client contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mend.core import audit
from mend.core.roles import Perm
from mend.core.tenancy import organisation_scope
from mend.training import choices as c
from mend.training import models as m
from mend.training import tasks
from mend.training.defaults import training_settings
from mend.training.delivery.queries import clashing_sessions
from mend.training.events import TrainingEvent
from mend.training.kernel import require
from mend.training.money import engine
from mend.training.money.numbering import next_number
from mend.training.money.queries import with_balances
from mend.training.sales.engagements import refresh_status

__all__ = [
    "LineSpec",
    "cancellation_sessions",
    "confirm_cancellation",
    "credit_invoice",
    "invoice_engagement",
    "invoiced_session_ids",
    "issue_invoice",
    "outstanding",
    "outstanding_for_engagement",
    "postpone_session",
    "postponement_problem",
    "quote_cancellation",
    "record_payment",
    "signed_policy",
    "uninvoiced_sessions",
]

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineSpec:
    description: str
    amount: Decimal
    quantity: Decimal = Decimal("1")
    session: m.DeliverySession | None = None


# ---------------------------------------------------------------- issuing


def _issue(
    *,
    actor,
    organisation,
    kind: str,
    client: m.Client,
    lines: list[LineSpec],
    engagement: m.Engagement | None = None,
    credits: m.Invoice | None = None,
    cancellation: m.CancellationQuote | None = None,
    notes: str = "",
    vat_rate: Decimal | bool | None = False,
) -> m.Invoice:
    """Issue one invoice or credit note inside the caller's transaction (no permission check)."""
    if not lines:
        raise ValidationError(_("There is nothing to invoice."))
    settings_row = training_settings(organisation)
    if vat_rate is False:  # not given: the organisation's current setting
        vat_rate = settings_row.vat_rate if settings_row.vat_registered else None
    prefix = (
        settings_row.credit_note_prefix
        if kind == c.InvoiceKind.CREDIT_NOTE
        else settings_row.invoice_prefix
    )
    subtotal = sum((engine.money(line.amount) for line in lines), ZERO)
    vat_amount = engine.percent_of(subtotal, vat_rate) if vat_rate is not None else ZERO
    today = timezone.localdate()
    language = engagement.language if engagement is not None else client.language
    sequence = next_number(organisation, f"invoice:{prefix}")
    invoice = m.Invoice.objects.create(
        organisation=organisation,
        kind=kind,
        prefix=prefix,
        sequence=sequence,
        number=f"{prefix}-{sequence:06d}",
        engagement=engagement,
        client=client,
        credits=credits,
        cancellation=cancellation,
        issued_by=actor,
        issue_date=today,
        due_date=today + timedelta(days=settings_row.payment_terms_days),
        language=language,
        client_name=client.name,
        client_address=client.address,
        sector=client.sector,
        subtotal=subtotal,
        vat_rate=vat_rate,
        vat_amount=vat_amount,
        total=subtotal + vat_amount,
        notes=notes,
    )
    m.InvoiceLine.objects.bulk_create(
        m.InvoiceLine(
            organisation=organisation,
            invoice=invoice,
            position=position,
            description=line.description[:300],
            quantity=line.quantity,
            unit_price=engine.money(Decimal(line.amount) / Decimal(line.quantity)),
            amount=engine.money(line.amount),
            session=line.session,
        )
        for position, line in enumerate(lines, start=1)
    )
    audit.record(
        TrainingEvent.CREDIT_NOTE_ISSUED
        if kind == c.InvoiceKind.CREDIT_NOTE
        else TrainingEvent.INVOICE_ISSUED,
        actor=actor,
        organisation=organisation,
        obj=invoice,
        changes={
            "number": [None, invoice.number],
            "total": [None, str(invoice.total)],
            "credits": credits.number if credits else None,
        },
    )
    return invoice


def issue_invoice(
    *,
    actor,
    organisation,
    client: m.Client,
    lines: list[LineSpec],
    engagement: m.Engagement | None = None,
    notes: str = "",
) -> m.Invoice:
    """Issue an invoice with these lines (for example for resources or an e-learning licence)."""
    require(actor, Perm.TRAINING_FINANCE, organisation)
    if client.organisation_id != organisation.pk or (
        engagement is not None and engagement.organisation_id != organisation.pk
    ):
        raise ValidationError({"client": _("Choose a client from the list.")})
    for line in lines:
        if not line.description.strip():
            raise ValidationError(_("Every line needs a description."))
        if Decimal(line.amount) <= 0:
            raise ValidationError(_("Every line needs an amount of more than 0."))
    with transaction.atomic():
        invoice = _issue(
            actor=actor,
            organisation=organisation,
            kind=c.InvoiceKind.INVOICE,
            client=client,
            lines=lines,
            engagement=engagement,
            notes=notes,
        )
        if engagement is not None:
            refresh_status(engagement)
    return invoice


def _session_label(session: m.DeliverySession, language: str) -> str:
    course = m.bilingual(
        session.engagement.course.title, session.engagement.course.title_cy, language
    )
    when = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
    return f"{course}: {when}"


def _credited_line():
    """A subquery: a credit note against this line's invoice credits this line's session."""
    from django.db.models import Exists, OuterRef

    return Exists(
        m.InvoiceLine.objects.filter(
            invoice__kind=c.InvoiceKind.CREDIT_NOTE,
            invoice__credits=OuterRef("invoice"),
            session=OuterRef("session"),
        )
    )


def invoiced_session_ids(engagement: m.Engagement):
    """Ids of the engagement's sessions on an invoice that has not been credited for them."""
    return (
        m.InvoiceLine.objects.filter(
            invoice__engagement=engagement,
            invoice__kind=c.InvoiceKind.INVOICE,
            session__isnull=False,
        )
        .exclude(_credited_line())
        .values("session")
    )


def uninvoiced_sessions(engagement: m.Engagement) -> list[m.DeliverySession]:
    return list(
        engagement.sessions.exclude(status=c.SessionStatus.CANCELLED)
        .exclude(pk__in=invoiced_session_ids(engagement))
        .select_related("engagement__course")
    )


def invoice_engagement(*, actor, engagement: m.Engagement) -> m.Invoice:
    """Invoice every session of a signed engagement that has not been invoiced yet."""
    organisation = engagement.organisation
    require(actor, Perm.TRAINING_FINANCE, organisation)
    if engagement.status in (
        c.EngagementStatus.ENQUIRY,
        c.EngagementStatus.PROPOSED,
        c.EngagementStatus.SLA_SENT,
        c.EngagementStatus.CANCELLED,
    ):
        raise ValidationError(_("Only a signed engagement can be invoiced."))
    with transaction.atomic():
        locked = m.Engagement.objects.select_for_update().get(pk=engagement.pk)
        sessions = uninvoiced_sessions(locked)
        if not sessions:
            raise ValidationError(_("Every session of this engagement has been invoiced already."))
        lines = [LineSpec(_session_label(s, locked.language), s.value, session=s) for s in sessions]
        invoice = _issue(
            actor=actor,
            organisation=organisation,
            kind=c.InvoiceKind.INVOICE,
            client=locked.client,
            lines=lines,
            engagement=locked,
        )
        refresh_status(locked)
    return invoice


# ---------------------------------------------------------------- payments and balances


def outstanding(invoice: m.Invoice) -> Decimal:
    """What is still owed on an invoice: total less payments less credit notes against it
    (the rule is `reports_money.with_balances`, shared with the invoice pages)."""
    return (
        with_balances(m.Invoice.objects.filter(pk=invoice.pk), timezone.localdate())
        .values_list("outstanding", flat=True)
        .get()
    )


def outstanding_for_engagement(engagement: m.Engagement) -> Decimal:
    invoices = m.Invoice.objects.filter(engagement=engagement, kind=c.InvoiceKind.INVOICE)
    balances = with_balances(invoices, timezone.localdate())
    return balances.aggregate(total=Sum("outstanding"))["total"] or ZERO


def record_payment(
    *,
    actor,
    invoice: m.Invoice,
    amount,
    received_on: date,
    method: str,
    reference: str = "",
) -> m.Payment:
    require(actor, Perm.TRAINING_FINANCE, invoice.organisation)
    if invoice.is_credit_note:
        raise ValidationError(_("Payments are recorded against invoices, not credit notes."))
    try:
        amount = Decimal(str(amount))
    except InvalidOperation as exc:
        raise ValidationError({"amount": _("Enter the amount in pounds and pence.")}) from exc
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Enter an amount of more than 0, in pounds and pence.")})
    if method not in c.PaymentMethod.values:
        raise ValidationError({"method": _("Choose how it was paid.")})
    if received_on is None:
        raise ValidationError({"received_on": _("Enter the date the payment was received.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    with transaction.atomic():
        locked = m.Invoice.objects.select_for_update().get(pk=invoice.pk)
        owed = outstanding(locked)
        if amount > owed:
            raise ValidationError(
                {
                    "amount": _("This is more than the %(owed)s still owed on %(number)s.")
                    % {"owed": f"£{owed:,.2f}", "number": locked.number}
                }
            )
        payment = m.Payment.objects.create(
            organisation=locked.organisation,
            invoice=locked,
            amount=amount,
            received_on=received_on,
            method=method,
            reference=reference.strip()[:100],
            recorded_by=actor,
        )
        audit.record(
            TrainingEvent.PAYMENT_RECORDED,
            actor=actor,
            organisation=locked.organisation,
            obj=payment,
            changes={"invoice": locked.number, "amount": str(amount)},
        )
        if locked.engagement_id:
            refresh_status(locked.engagement)
    return payment


def credit_invoice(*, actor, invoice: m.Invoice, reason: str) -> m.Invoice:
    """Cancel an issued invoice in full with a credit note (a mistake, a price agreed again).

    Sessions it charged can then be invoiced again. An invoice with payments or a credit note
    against it already is refused: refunds are outside Mend for now."""
    require(actor, Perm.TRAINING_FINANCE, invoice.organisation)
    if invoice.is_credit_note:
        raise ValidationError(_("A credit note cannot itself be credited."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Enter why the invoice is being credited.")})
    with transaction.atomic():
        locked = m.Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.credit_notes.exists():
            raise ValidationError(_("This invoice already has a credit note against it."))
        if locked.payments.exists():
            raise ValidationError(
                _(
                    "Payments have been recorded against this invoice, so it cannot be credited "
                    "in Mend: arrange the refund with your bookkeeper."
                )
            )
        note = _issue(
            actor=actor,
            organisation=locked.organisation,
            kind=c.InvoiceKind.CREDIT_NOTE,
            client=locked.client,
            engagement=locked.engagement,
            credits=locked,
            vat_rate=locked.vat_rate,
            notes=reason[:1000],
            lines=[
                LineSpec(line.description, line.amount, line.quantity, line.session)
                for line in locked.lines.all()
            ],
        )
        audit.record(
            TrainingEvent.INVOICE_CREDITED,
            actor=actor,
            organisation=locked.organisation,
            obj=locked,
            changes={"credit_note": note.number, "reason": reason[:200]},
        )
        if locked.engagement_id:
            # Its sessions are no longer invoiced: the engagement may go back to "delivered".
            refresh_status(m.Engagement.objects.get(pk=locked.engagement_id))
    return note


# ---------------------------------------------------------------- cancellation


def signed_policy(engagement: m.Engagement) -> engine.Policy | None:
    """The policy copied onto the engagement's signed agreement (None: not signed)."""
    sla = engagement.slas.filter(status=c.SlaStatus.ACCEPTED).order_by("-accepted_at").first()
    if sla is None or not sla.policy_snapshot:
        return None
    return engine.Policy.from_json(sla.policy_snapshot)


def cancellation_sessions(engagement: m.Engagement) -> list[m.DeliverySession]:
    """Sessions that can still be cancelled (scheduled ones)."""
    return list(
        engagement.sessions.filter(status=c.SessionStatus.SCHEDULED).select_related(
            "engagement__course"
        )
    )


def quote_cancellation(
    *,
    actor,
    engagement: m.Engagement,
    sessions: list[m.DeliverySession] | None = None,
    cancelled_on: date | None = None,
    reason: str = "",
) -> m.CancellationQuote:
    """Work out (and keep) what cancelling these sessions today costs, with every tier checked.

    `sessions` None means every session still scheduled (the whole engagement)."""
    organisation = engagement.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
    if engagement.status == c.EngagementStatus.CANCELLED:
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
    if not chosen and engagement.status not in (
        c.EngagementStatus.ENQUIRY,
        c.EngagementStatus.PROPOSED,
        c.EngagementStatus.SLA_SENT,
    ):
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
                label=_session_label(s, language),
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


def confirm_cancellation(*, actor, quote: m.CancellationQuote):
    """Cancel the quoted sessions, credit what was invoiced for them, issue the fee invoice and
    tell the client contact: all in one transaction. Returns (credit notes, fee invoice or None).
    """
    organisation = quote.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
    with transaction.atomic():
        engagement = m.Engagement.objects.select_for_update().get(pk=quote.engagement_id)
        locked = m.CancellationQuote.objects.select_for_update().get(pk=quote.pk)
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
            engagement.status = c.EngagementStatus.CANCELLED
            engagement.cancelled_at = now
            engagement.version += 1
            engagement.save(update_fields=["status", "cancelled_at", "version"])
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


def _credit_sessions(actor, engagement, quote, session_ids: set[int]) -> list[m.Invoice]:
    """A credit note for each invoice that charged any of these sessions (those lines only)."""
    lines = (
        m.InvoiceLine.objects.filter(
            invoice__engagement=engagement,
            invoice__kind=c.InvoiceKind.INVOICE,
            session__in=session_ids,
        )
        .exclude(_credited_line())
        .select_related("invoice")
        .order_by("invoice_id", "position")
    )
    by_invoice: dict[int, list[m.InvoiceLine]] = {}
    for line in lines:
        by_invoice.setdefault(line.invoice_id, []).append(line)
    notes = []
    for invoice_lines in by_invoice.values():
        invoice = invoice_lines[0].invoice
        notes.append(
            _issue(
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


def _fee_invoice(actor, engagement, quote) -> m.Invoice | None:
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
    return _issue(
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


def _tell_client(engagement, quote, fee_invoice, credit_notes) -> None:
    contact = engagement.contact
    if contact is None or not contact.email:
        return
    from mend.training.money.documents import invoice_pdf

    # Runs after commit, possibly outside the request's scope: work in the engagement's organisation.
    with organisation_scope(engagement.organisation), translation.override(contact.language):
        context = {
            "engagement": engagement,
            "contact": contact,
            "quote": quote,
            "fee_invoice": fee_invoice,
            "credit_notes": credit_notes,
            "organisation": engagement.organisation.display_name(contact.language),
        }
        subject = _("Cancellation confirmed: %(reference)s") % {"reference": engagement.reference}
        body = render_to_string("training/email/cancellation.txt", context)
        message = EmailMessage(subject, body, None, [contact.email])
        for document in [*credit_notes, *([fee_invoice] if fee_invoice else [])]:
            message.attach(f"{document.number}.pdf", invoice_pdf(document), "application/pdf")
    message.send()


# ---------------------------------------------------------------- postponement


def postponement_problem(session: m.DeliverySession, on: date | None = None) -> str | None:
    """Why this session cannot be postponed free of charge now, or None if it can."""
    if session.status != c.SessionStatus.SCHEDULED:
        return _("Only a scheduled session can be postponed.")
    sla = (
        session.engagement.slas.filter(status=c.SlaStatus.ACCEPTED).order_by("-accepted_at").first()
    )
    if sla is None or not sla.policy_snapshot:
        return None  # not signed: the dates are still being agreed
    snapshot = sla.policy_snapshot
    notice = int(snapshot.get("free_postponement_days", 0))
    allowed = int(snapshot.get("free_postponements", 0))
    days = engine.days_before(session.starts_at, on or timezone.localdate())
    if session.postponements >= allowed:
        return _(
            "The agreement allows %(allowed)s free postponement(s) per session and this session "
            "has used them. Cancel it instead, which may incur a fee."
        ) % {"allowed": allowed}
    if days < notice:
        return _(
            "The agreement allows a free postponement with at least %(notice)s days' notice; "
            "this session is %(days)s days away. Cancel it instead, which may incur a fee."
        ) % {"notice": notice, "days": days}
    return None


def postpone_session(
    *, actor, session: m.DeliverySession, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> m.DeliverySession:
    """Move a session to new times without a fee, when the signed policy allows it."""
    require(actor, Perm.MANAGE_TRAINING, session.organisation)
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
        locked = m.DeliverySession.objects.select_for_update().get(pk=session.pk)
        old = locked.starts_at
        if locked.original_starts_at is None:
            locked.original_starts_at = old
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.postponements += 1
        locked.version += 1
        locked.save()
        audit.record(
            TrainingEvent.SESSION_POSTPONED,
            actor=actor,
            organisation=locked.organisation,
            obj=locked,
            changes={"starts_at": [old, starts_at], "reason": reason.strip()[:300]},
        )
    return locked
