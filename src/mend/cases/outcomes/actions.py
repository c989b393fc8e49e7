"""Outcomes: support packages, agreements and payments, feedback surveys, case studies."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.events import CaseEvent
from mend.cases.kernel import check_version, require_on_case, touch
from mend.cases.outcomes import case_study as anonymiser
from mend.cases.workflow import PRINCIPAL_ROLES, current_consent, party_label
from mend.core import access, audit
from mend.core.models import hash_token
from mend.core.roles import Perm
from mend.core.tenancy import organisation_scope

__all__ = [
    "CaseStudyRefused",
    "add_agreement_item",
    "add_support_referral",
    "answer_feedback",
    "approve_case_study",
    "create_agreement",
    "draft_case_study",
    "edit_case_study",
    "feedback_problem",
    "find_feedback_request",
    "missing_case_study_consents",
    "publish_case_study",
    "record_payment",
    "send_feedback_request",
    "set_item_status",
    "support_fingerprint",
    "unpublish_case_study",
    "update_support_referral",
]

FEEDBACK_DAYS = 30
PENNY = Decimal("0.01")


class CaseStudyRefused(ValidationError):
    def __init__(self, reasons: list[str]):
        super().__init__(reasons)
        self.reasons = reasons


# ---------------------------------------------------------------- support packages


def support_fingerprint(referral: m.SupportReferral) -> str:
    """What the person editing saw; a different one at saving means someone else changed it."""
    seen = "|".join(
        [
            referral.service,
            referral.provider,
            referral.status,
            referral.referred_on.isoformat() if referral.referred_on else "",
            referral.outcome or "",
        ]
    )
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


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
    actor,
    party: m.Party,
    service: str,
    provider: str = "",
    status: str = c.SupportStatus.SUGGESTED,
    referred_on: date | None = None,
    outcome: str = "",
) -> m.SupportReferral:
    require_on_case(actor, Perm.WORK_CASES, party.case)
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
        touch(party.case)
    return referral


def update_support_referral(
    *,
    actor,
    referral: m.SupportReferral,
    status: str,
    provider: str = "",
    referred_on: date | None = None,
    outcome: str = "",
    fingerprint: str | None = None,
) -> m.SupportReferral:
    party = referral.party
    require_on_case(actor, Perm.WORK_CASES, party.case)
    _check_support(referral.service, provider, status, referred_on)
    if status != c.SupportStatus.SUGGESTED and referred_on is None:
        referred_on = referral.referred_on or timezone.localdate()
    with transaction.atomic():
        referral = m.SupportReferral.objects.select_for_update().get(pk=referral.pk)
        if fingerprint is not None and fingerprint != support_fingerprint(referral):
            raise ValidationError(
                _(
                    "Someone else changed this record while you were editing it. Nothing was "
                    "saved: review their change and try again."
                )
            )
        fields = ["provider", "status", "referred_on", "outcome"]
        before = audit.snapshot(referral, fields)
        referral.provider, referral.status = provider.strip(), status
        referral.referred_on, referral.outcome = referred_on, outcome.strip()
        referral.updated_on = timezone.localdate()
        referral.save(update_fields=[*fields, "updated_on"])
        changes = audit.diff(referral, before, fields)
        if changes:
            audit.record(
                CaseEvent.SUPPORT_REFERRAL_UPDATED,
                actor=actor,
                organisation=referral.organisation,
                obj=party.case,
                changes={"referral": referral.pk, **changes},
            )
        touch(party.case)
    return referral


# ---------------------------------------------------------------- agreements


def create_agreement(
    *, actor, case: m.Case, made_on: date | None = None, meeting: m.Meeting | None = None
) -> m.Agreement:
    require_on_case(actor, Perm.WORK_CASES, case)
    made_on = made_on or timezone.localdate()
    if made_on > timezone.localdate():
        raise ValidationError({"made_on": _("An agreement cannot be dated in the future.")})
    if meeting is not None and meeting.case_id != case.pk:
        raise ValidationError({"meeting": _("Choose a meeting of this case.")})
    with transaction.atomic():
        agreement = m.Agreement.objects.create(
            organisation=case.organisation, case=case, made_on=made_on, meeting=meeting
        )
        audit.record(
            CaseEvent.AGREEMENT_MADE,
            actor=actor,
            organisation=case.organisation,
            obj=case,
            changes={"agreement": agreement.pk, "made_on": [None, made_on.isoformat()]},
        )
        touch(case)
    return agreement


def money(value) -> Decimal:
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
    actor,
    agreement: m.Agreement,
    kind: str,
    responsible: m.Party,
    description: str,
    serves: m.Party | None = None,
    amount=None,
    due_on: date | None = None,
) -> m.AgreementItem:
    case = agreement.case
    require_on_case(actor, Perm.WORK_CASES, case)
    errors = {}
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
                amount = money(amount)
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
            amount=amount,
            due_on=due_on,
        )
        audit.record(
            CaseEvent.AGREEMENT_ITEM_ADDED,
            actor=actor,
            organisation=case.organisation,
            obj=case,
            changes={
                "item": item.pk,
                "kind": [None, kind],
                "amount": [None, str(amount)] if amount is not None else None,
                "description": audit.REDACTED,
            },
        )
        touch(case)
    return item


def record_payment(
    *, actor, item: m.AgreementItem, amount, paid_on: date | None = None
) -> m.Payment:
    case = item.agreement.case
    require_on_case(actor, Perm.WORK_CASES, case)
    if item.kind != c.AgreementItemKind.RESTITUTION:
        raise ValidationError(_("Payments can only be recorded against restitution."))
    amount = money(amount)
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
    with transaction.atomic():
        item = m.AgreementItem.objects.select_for_update().get(pk=item.pk)
        if item.status != c.AgreementItemStatus.OPEN:
            raise ValidationError(_("This item is no longer in progress."))
        balance = item.amount - item.paid()
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
        changes = {"item": item.pk, "payment": [None, str(amount)]}
        if amount == balance:
            item.status, item.completed_on = c.AgreementItemStatus.COMPLETED, paid_on
            item.save(update_fields=["status", "completed_on"])
            changes["status"] = [c.AgreementItemStatus.OPEN, item.status]
        audit.record(
            CaseEvent.PAYMENT_RECORDED,
            actor=actor,
            organisation=item.organisation,
            obj=case,
            changes=changes,
        )
        touch(case)
    return payment


def set_item_status(*, actor, item: m.AgreementItem, status: str) -> m.AgreementItem:
    case = item.agreement.case
    require_on_case(actor, Perm.WORK_CASES, case)
    if status not in c.AgreementItemStatus.values:
        raise ValidationError({"status": _("Choose how this item stands.")})
    with transaction.atomic():
        item = m.AgreementItem.objects.select_for_update().get(pk=item.pk)
        if (
            status == c.AgreementItemStatus.COMPLETED
            and item.kind == c.AgreementItemKind.RESTITUTION
        ):
            balance = item.amount - item.paid()
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
        touch(case)
    return item


# ---------------------------------------------------------------- feedback


def party_language(party: m.Party) -> str:
    language = party.person.preferred_language
    return language if language in dict(settings.LANGUAGES) else "en"


def feedback_url(token: str) -> str:
    return settings.MEND_BASE_URL.rstrip("/") + reverse("feedback_survey", args=[token])


def send_feedback_request(*, actor, party: m.Party) -> tuple[m.FeedbackRequest, str, bool]:
    """A one-time survey link for `party`: emailed in their language when they have an email
    address (returns emailed=True), otherwise for the practitioner to pass on.
    Requires the party's current consent to be asked for feedback."""
    require_on_case(actor, Perm.WORK_CASES, party.case)
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
    language = party_language(party)
    organisation = party.organisation
    with translation.override(language):
        context = {
            "first_name": party.person.first_name,
            "organisation_name": organisation.display_name(language),
            "url": feedback_url(token),
            "expires_at": request.expires_at,
        }
        subject = _("How was your experience with %(organisation)s?") % {
            "organisation": organisation.display_name(language)
        }
        body = render_to_string("cases/outcomes/email/feedback_request.txt", context)
    send_mail(subject, body, None, [email])


def find_feedback_request(token: str) -> m.FeedbackRequest | None:
    """The request for a survey token, from any organisation (the token is the credential)."""
    if not token or len(token) > 100:
        return None
    return (
        m.FeedbackRequest.across_organisations.select_related("organisation", "party__person")
        .filter(token_hash=hash_token(token))
        .first()
    )


def feedback_problem(request: m.FeedbackRequest | None) -> tuple[int, str] | None:
    """(HTTP status, message) when the survey cannot be answered, else None."""
    if request is None:
        return 404, _(
            "This survey link is not valid. Check that you copied the whole link, or ask the "
            "person who sent it for a new one."
        )
    if request.answered_at:
        return 200, _("This survey has already been answered. Thank you for your feedback.")
    if timezone.now() >= request.expires_at:
        return 410, _(
            "This survey link has expired. If you would still like to give feedback, ask the "
            "person who sent it for a new link."
        )
    return None


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
    found = find_feedback_request(token)
    if found is None:
        raise ValidationError(feedback_problem(None)[1])
    with organisation_scope(found.organisation), transaction.atomic():
        request = m.FeedbackRequest.across_organisations.select_for_update().get(pk=found.pk)
        problem = feedback_problem(request)
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


# ---------------------------------------------------------------- case studies


def draft_case_study(*, actor, case: m.Case) -> m.CaseStudy:
    require_on_case(actor, Perm.WORK_CASES, case)
    title, narrative = anonymiser.build_draft(case)
    with transaction.atomic():
        study = m.CaseStudy.objects.create(
            organisation=case.organisation, case=case, title=title[:200], narrative=narrative
        )
        audit.record(
            CaseEvent.CASE_STUDY_DRAFTED,
            actor=actor,
            organisation=case.organisation,
            obj=case,
            changes={"case_study": study.pk},
        )
    return study


def edit_case_study(
    *, actor, study: m.CaseStudy, title: str, narrative: str, version: int | None
) -> m.CaseStudy:
    """An edit withdraws any approval and publication: the new text must be approved again."""
    require_on_case(actor, Perm.WORK_CASES, study.case)
    if not title.strip():
        raise ValidationError({"title": _("Enter a title.")})
    if not narrative.strip():
        raise ValidationError({"narrative": _("Enter the story.")})
    with transaction.atomic():
        study = m.CaseStudy.objects.select_for_update().select_related("case").get(pk=study.pk)
        check_version(study, version)
        before = audit.snapshot(study, ["title", "narrative", "approved_at", "published_at"])
        study.title, study.narrative = title.strip(), narrative.strip()
        if before["title"] != study.title or before["narrative"] != study.narrative:
            study.approved_by, study.approved_at, study.published_at = None, None, None
        study.version += 1
        study.save()
        audit.record(
            CaseEvent.CASE_STUDY_EDITED,
            actor=actor,
            organisation=study.organisation,
            obj=study,
            changes=audit.diff(study, before, ["title", "approved_at", "published_at"]),
        )
    return study


def _require_publisher(actor, study: m.CaseStudy) -> None:
    require_on_case(actor, Perm.PUBLISH_CASE_STUDIES, study.case)
    access.require(actor, Perm.PUBLISH_CASE_STUDIES, study)


def approve_case_study(*, actor, study: m.CaseStudy, version: int | None = None) -> m.CaseStudy:
    _require_publisher(actor, study)
    with transaction.atomic():
        study = m.CaseStudy.objects.select_for_update().select_related("case").get(pk=study.pk)
        check_version(study, version)
        reasons = anonymiser.problems(study.case, f"{study.title}\n{study.narrative}")
        if reasons:
            raise CaseStudyRefused(reasons)
        study.approved_by, study.approved_at = actor, timezone.now()
        study.version += 1
        study.save()
        audit.record(
            CaseEvent.CASE_STUDY_APPROVED, actor=actor, organisation=study.organisation, obj=study
        )
    return study


def missing_case_study_consents(case: m.Case) -> list[str]:
    parties = m.Party.objects.filter(case=case, role__in=PRINCIPAL_ROLES).select_related("person")
    return [
        _("%(party)s has not consented to an anonymised case study.") % {"party": party_label(p)}
        for p in parties.prefetch_related("consents")
        if current_consent(p, c.ConsentScope.CASE_STUDY) is None
    ]


def publish_case_study(*, actor, study: m.CaseStudy) -> m.CaseStudy:
    """Only an approved study, with every principal party's current consent, is published."""
    _require_publisher(actor, study)
    with transaction.atomic():
        study = m.CaseStudy.objects.select_for_update().select_related("case").get(pk=study.pk)
        reasons = []
        if study.published_at:
            reasons.append(_("This case study is already published."))
        if not study.approved_at:
            reasons.append(_("The case study must be approved before it is published."))
        reasons += missing_case_study_consents(study.case)
        reasons += anonymiser.problems(study.case, f"{study.title}\n{study.narrative}")
        if reasons:
            raise CaseStudyRefused(reasons)
        study.published_at = timezone.now()
        study.version += 1
        study.save()
        audit.record(
            CaseEvent.CASE_STUDY_PUBLISHED, actor=actor, organisation=study.organisation, obj=study
        )
    return study


def unpublish_case_study(*, actor, study: m.CaseStudy) -> m.CaseStudy:
    _require_publisher(actor, study)
    with transaction.atomic():
        study = m.CaseStudy.objects.select_for_update().get(pk=study.pk)
        if not study.published_at:
            raise CaseStudyRefused([_("This case study is not published.")])
        study.published_at = None
        study.version += 1
        study.save()
        audit.record(
            CaseEvent.CASE_STUDY_UNPUBLISHED,
            actor=actor,
            organisation=study.organisation,
            obj=study,
        )
    return study
