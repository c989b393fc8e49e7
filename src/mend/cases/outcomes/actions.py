"""Outcomes: support packages, agreements and payments, feedback surveys.

The case-study actions are in `outcomes/publishing.py`; the read helpers in `outcomes/queries.py`."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.casework.actions import touch_case
from mend.cases.events import CaseEvent
from mend.cases.outcomes import queries
from mend.cases.workflow import current_consent, party_label
from mend.core import access, audit, changes
from mend.core.models import User, hash_token
from mend.core.roles import Perm
from mend.core.tenancy import organisation_scope

__all__ = [
    "add_agreement_item",
    "add_support_referral",
    "answer_feedback",
    "create_agreement",
    "record_payment",
    "send_feedback_request",
    "set_item_status",
    "update_support_referral",
]

FEEDBACK_DAYS = 30
PENNY = Decimal("0.01")


# ---------------------------------------------------------------- support packages


def _check_support(service: str, provider: str, status: str, referred_on: date | None) -> None:
    errors = {}
    if service not in c.SupportService.values:
        errors["service"] = _("Choose the kind of support.")
    elif service == c.SupportService.OTHER and not provider.strip():
        errors["provider"] = _("Enter who provides this support.")
    if status not in c.SupportStatus.values:
        errors["status"] = _("Choose the status of the referral.")
    if referred_on and referred_on > timezone.localdate():
        errors["referred_on"] = _("The date of the referral cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def add_support_referral(
    *,
    actor: User,
    party: m.Party,
    service: str,
    provider: str = "",
    status: str = c.SupportStatus.SUGGESTED,
    referred_on: date | None = None,
    outcome: str = "",
) -> m.SupportReferral:
    access.require(actor, Perm.WORK_CASES, party)
    _check_support(service, provider, status, referred_on)
    if status != c.SupportStatus.SUGGESTED and referred_on is None:
        referred_on = timezone.localdate()
    with transaction.atomic():
        referral = m.SupportReferral.objects.create(
            organisation=party.organisation,
            party=party,
            service=service,
            provider=provider.strip(),
            status=status,
            referred_on=referred_on,
            outcome=outcome.strip(),
        )
        audit.record(
            CaseEvent.SUPPORT_REFERRAL_ADDED,
            actor=actor,
            organisation=party.organisation,
            obj=party.case,
            changes={
                "party": party.pk,
                "service": [None, service],
                "status": [None, status],
                "outcome": audit.REDACTED if outcome.strip() else None,
            },
        )
        touch_case(party.case)
    return referral


def update_support_referral(
    *,
    actor: User,
    referral: m.SupportReferral,
    status: str,
    provider: str = "",
    referred_on: date | None = None,
    outcome: str = "",
    version: int | None = None,
) -> m.SupportReferral:
    access.require(actor, Perm.WORK_CASES, referral)
    party = referral.party
    _check_support(referral.service, provider, status, referred_on)
    if status != c.SupportStatus.SUGGESTED and referred_on is None:
        referred_on = referral.referred_on or timezone.localdate()
    with transaction.atomic():
        referral = changes.lock(referral)
        changes.check_version(referral, version)
        fields = ["provider", "status", "referred_on", "outcome"]
        before = audit.snapshot(referral, fields)
        referral.provider, referral.status = provider.strip(), status
        referral.referred_on, referral.outcome = referred_on, outcome.strip()
        referral.updated_on = timezone.localdate()
        referral.version += 1
        referral.save(update_fields=[*fields, "updated_on", "version"])
        changed = audit.diff(referral, before, fields)
        if changed:
            audit.record(
                CaseEvent.SUPPORT_REFERRAL_UPDATED,
                actor=actor,
                organisation=referral.organisation,
                obj=party.case,
                changes={"referral": referral.pk, **changed},
            )
        touch_case(party.case)
    return referral


# ---------------------------------------------------------------- agreements


def create_agreement(
    *, actor: User, case: m.Case, made_on: date | None = None, meeting: m.Meeting | None = None
) -> m.Agreement:
    access.require(actor, Perm.WORK_CASES, case)
    made_on = made_on or timezone.localdate()
    if made_on > timezone.localdate():
        raise ValidationError({"made_on": _("An agreement cannot be dated in the future.")})
    if meeting is not None and meeting.case_id != case.pk:
        raise ValidationError({"meeting": _("Choose a meeting of this case.")})
    with transaction.atomic():
        agreement = m.Agreement.objects.create(
            organisation=case.organisation, case=case, made_on=made_on, meeting=meeting
        )
        audit.record_for(
            CaseEvent.AGREEMENT_MADE,
            case,
            actor=actor,
            changes={"agreement": agreement.pk, "made_on": [None, made_on.isoformat()]},
        )
        touch_case(case)
    return agreement


def _money(value: object) -> Decimal:
    """A positive amount in pounds and pence, exactly; anything else is refused."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({"amount": _("Enter an amount in pounds, such as 12.50.")}) from exc
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than £0.")})
    if amount != amount.quantize(PENNY):
        raise ValidationError({"amount": _("Enter an amount in pounds and pence, such as 12.50.")})
    if amount >= Decimal("100000000"):
        raise ValidationError({"amount": _("Enter an amount less than £100,000,000.")})
    return amount.quantize(PENNY)


def add_agreement_item(
    *,
    actor: User,
    agreement: m.Agreement,
    kind: str,
    responsible: m.Party,
    description: str,
    serves: m.Party | None = None,
    amount: object = None,
    due_on: date | None = None,
) -> m.AgreementItem:
    access.require(actor, Perm.WORK_CASES, agreement)
    case = agreement.case
    errors: dict[str, Any] = {}
    if kind not in c.AgreementItemKind.values:
        errors["kind"] = _("Choose what was agreed.")
    if responsible.case_id != case.pk or responsible.role != c.PartyRole.RESPONSIBLE:
        errors["responsible"] = _("Choose a person responsible in this case.")
    if serves is not None and (serves.case_id != case.pk or serves.role != c.PartyRole.HARMED):
        errors["serves"] = _("Choose a person harmed in this case.")
    if not description.strip():
        errors["description"] = _("Describe what was agreed.")
    if kind == c.AgreementItemKind.RESTITUTION:
        if amount in (None, ""):
            errors["amount"] = _("Enter the amount to be paid.")
        else:
            try:
                amount = _money(amount)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    else:
        amount = None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = m.AgreementItem.objects.create(
            organisation=case.organisation,
            agreement=agreement,
            kind=kind,
            responsible=responsible,
            serves=serves,
            description=description.strip(),
            amount=cast(Decimal | None, amount),
            due_on=due_on,
        )
        audit.record_for(
            CaseEvent.AGREEMENT_ITEM_ADDED,
            case,
            actor=actor,
            changes={
                "item": item.pk,
                "kind": [None, kind],
                "amount": [None, str(amount)] if amount is not None else None,
                "description": audit.REDACTED,
            },
        )
        touch_case(case)
    return item


def record_payment(
    *, actor: User, item: m.AgreementItem, amount: object, paid_on: date | None = None
) -> m.Payment:
    access.require(actor, Perm.WORK_CASES, item)
    case = item.agreement.case
    if item.kind != c.AgreementItemKind.RESTITUTION:
        raise ValidationError(_("Payments can only be recorded against restitution."))
    amount = _money(amount)
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
    with transaction.atomic():
        item = changes.lock(item)
        if item.status != c.AgreementItemStatus.OPEN:
            raise ValidationError(_("This item is no longer in progress."))
        balance = queries.balance(item)
        if amount > balance:
            raise ValidationError(
                {
                    "amount": _(
                        "This is more than is still owed. The balance is £%(balance)s: enter "
                        "£%(balance)s or less."
                    )
                    % {"balance": balance}
                }
            )
        payment = m.Payment.objects.create(
            organisation=item.organisation, item=item, amount=amount, paid_on=paid_on
        )
        changed = {"item": item.pk, "payment": [None, str(amount)]}
        if amount == balance:
            item.status, item.completed_on = c.AgreementItemStatus.COMPLETED, paid_on
            item.save(update_fields=["status", "completed_on"])
            changed["status"] = [c.AgreementItemStatus.OPEN, item.status]
        audit.record(
            CaseEvent.PAYMENT_RECORDED,
            actor=actor,
            organisation=item.organisation,
            obj=case,
            changes=changed,
        )
        touch_case(case)
    return payment


def set_item_status(*, actor: User, item: m.AgreementItem, status: str) -> m.AgreementItem:
    access.require(actor, Perm.WORK_CASES, item)
    case = item.agreement.case
    if status not in c.AgreementItemStatus.values:
        raise ValidationError({"status": _("Choose how this item stands.")})
    with transaction.atomic():
        item = changes.lock(item)
        if (
            status == c.AgreementItemStatus.COMPLETED
            and item.kind == c.AgreementItemKind.RESTITUTION
        ):
            balance = queries.balance(item)
            if balance > 0:
                raise ValidationError(
                    {
                        "status": _(
                            "£%(balance)s is still owed. Record the payments first, or mark the "
                            "item not completed."
                        )
                        % {"balance": balance}
                    }
                )
        old = item.status
        item.status = status
        item.completed_on = timezone.localdate() if status != c.AgreementItemStatus.OPEN else None
        item.save(update_fields=["status", "completed_on"])
        audit.record(
            CaseEvent.AGREEMENT_ITEM_STATUS,
            actor=actor,
            organisation=item.organisation,
            obj=case,
            changes={"item": item.pk, "status": [old, status]},
        )
        touch_case(case)
    return item


# ---------------------------------------------------------------- feedback


def send_feedback_request(*, actor: User, party: m.Party) -> tuple[m.FeedbackRequest, str, bool]:
    """A one-time survey link for `party`: emailed in their language when they have an email
    address (returns emailed=True), otherwise for the practitioner to pass on.
    Requires the party's current consent to be asked for feedback."""
    access.require(actor, Perm.WORK_CASES, party)
    if current_consent(party, c.ConsentScope.FEEDBACK) is None:
        raise ValidationError(
            _("%(party)s has not consented to be asked for feedback. Record their consent first.")
            % {"party": party_label(party)}
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    email = ((party.person.contact or {}).get("email") or "").strip()
    with transaction.atomic():
        # A new link replaces any earlier unanswered one.
        m.FeedbackRequest.objects.filter(party=party, answered_at=None, expires_at__gt=now).update(
            expires_at=now
        )
        request = m.FeedbackRequest.objects.create(
            organisation=party.organisation,
            party=party,
            token_hash=hash_token(token),
            sent_at=now,
            expires_at=now + timedelta(days=FEEDBACK_DAYS),
        )
        audit.record(
            CaseEvent.FEEDBACK_REQUESTED,
            actor=actor,
            organisation=party.organisation,
            obj=party.case,
            changes={"party": party.pk, "emailed": bool(email)},
        )
        if email:
            transaction.on_commit(lambda: _email_feedback(request, party, email, token))
    return request, token, bool(email)


def _email_feedback(request: m.FeedbackRequest, party: m.Party, email: str, token: str) -> None:
    """Only this party's own name, the organisation and the link: nothing about anyone else."""
    language = queries.party_language(party)
    organisation = party.organisation
    with translation.override(language):
        context = {
            "first_name": party.person.first_name,
            "organisation_name": organisation.display_name(language),
            "url": queries.feedback_url(token),
            "expires_at": request.expires_at,
        }
        subject = _("How was your experience with %(organisation)s?") % {
            "organisation": organisation.display_name(language)
        }
        body = render_to_string("cases/outcomes/email/feedback_request.txt", context)
    send_mail(subject, body, None, [email])


def answer_feedback(
    *,
    token: str,
    satisfaction: int,
    felt_safe: bool,
    felt_heard: bool,
    would_recommend: bool,
    comments: str = "",
    may_quote_anonymously: bool = False,
) -> m.FeedbackRequest:
    """Store a party's answers, once. The token is the credential; there is no signed-in actor."""
    if satisfaction not in range(1, 6):
        raise ValidationError({"satisfaction": _("Choose a number from 1 to 5.")})
    found = queries.find_feedback_request(token)
    if found is None:
        raise ValidationError(cast(tuple[int, str], queries.feedback_problem(None))[1])
    with organisation_scope(found.organisation), transaction.atomic():
        request = m.FeedbackRequest.across_organisations.select_for_update().get(pk=found.pk)
        problem = queries.feedback_problem(request)
        if problem:
            raise ValidationError(problem[1])
        request.answered_at = timezone.now()
        request.satisfaction = satisfaction
        request.felt_safe, request.felt_heard = felt_safe, felt_heard
        request.would_recommend = would_recommend
        request.comments = comments.strip()
        request.may_quote_anonymously = may_quote_anonymously
        request.save()
        audit.record(
            CaseEvent.FEEDBACK_ANSWERED,
            organisation=found.organisation,
            obj=request,
            changes={
                "satisfaction": [None, satisfaction],
                "comments": audit.REDACTED if comments.strip() else None,
            },
            acting_for=f"party:{found.party_id}",
        )
    return request
