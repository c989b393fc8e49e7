"""Training actions: quotes (proposals) and the Service Level Agreement.

A proposal (quote) is a snapshot of the engagement's sessions, numbered Q-<year>-0001 per
organisation without gaps. The agreement is sent by a one-time link and accepted there; the
cancellation policy in force is copied onto it on acceptance."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.changes import lock
from mend.core.models import User
from mend.core.roles import Perm
from mend.core.tenancy import organisation_scope
from mend.training import choices as c
from mend.training import models as m
from mend.training import workflow
from mend.training.defaults import training_settings
from mend.training.events import TrainingEvent
from mend.training.money import engine
from mend.training.money.numbering import next_number
from mend.training.money.queries import policy_snapshot
from mend.training.sales.queries import proposal_lines, sla_problem, sla_terms
from mend.training.tokens import hash_token, new_token, public_url

__all__ = [
    "PROPOSAL_DAYS",
    "SLA_DAYS",
    "accept_sla",
    "issue_proposal",
    "send_sla",
    "sla_url",
    "withdraw_sla",
]

PROPOSAL_DAYS = 30
SLA_DAYS = 30

# ---------------------------------------------------------------- proposals (quotes)


def issue_proposal(
    *, actor: User, engagement: m.Engagement, valid_until: date | None = None, notes: str = ""
) -> m.Proposal:
    """Issue a quote for the engagement's sessions (a snapshot that never changes), numbered
    Q-<year>-<n> per organisation without gaps; the engagement becomes 'quote sent'."""
    access.require(actor, Perm.MANAGE_TRAINING, engagement)
    organisation = engagement.organisation
    today = timezone.localdate()
    valid_until = valid_until or today + timedelta(days=PROPOSAL_DAYS)
    if valid_until < today:
        raise ValidationError({"valid_until": _("The quote must be valid until today or later.")})
    with transaction.atomic():
        locked = (
            m.Engagement.objects.select_for_update(of=("self",))
            .select_related("course", "client", "contact")
            .get(pk=engagement.pk)
        )
        if locked.status not in workflow.QUOTABLE:
            raise ValidationError(
                _("A quote can only be issued before the agreement is sent or signed.")
            )
        language = locked.language
        lines = proposal_lines(locked, language)
        if not lines:
            raise ValidationError(_("Add the delivery sessions before issuing a quote."))
        vat_rate = training_settings(organisation).charged_vat_rate
        subtotal = sum((Decimal(line["amount"]) for line in lines), Decimal("0.00"))
        year = today.year
        number = next_number(organisation, f"Q-{year}")
        proposal = m.Proposal.objects.create(
            organisation=organisation,
            engagement=locked,
            number=f"Q-{year}-{number:04d}",
            issued_by=actor,
            valid_until=valid_until,
            language=language,
            lines=lines,
            **engine.with_vat(subtotal, vat_rate),
            notes=(notes or "").strip(),
        )
        old = locked.status
        if old == c.EngagementStatus.ENQUIRY:
            workflow.move(locked, c.EngagementStatus.PROPOSED)
        audit.record(
            TrainingEvent.PROPOSAL_ISSUED,
            actor=actor,
            organisation=organisation,
            obj=proposal,
            changes={
                "number": [None, proposal.number],
                "total": [None, str(proposal.total)],
                "status": [old, locked.status],
            },
        )
    engagement.status, engagement.version = locked.status, locked.version
    return proposal


# ---------------------------------------------------------------- the Service Level Agreement


def sla_url(token: str) -> str:
    return public_url("training_sla", token)


def send_sla(
    *, actor: User, engagement: m.Engagement, contact: m.ClientContact | None = None
) -> tuple[m.ServiceLevelAgreement, str]:
    """Email the agreement's one-time link to the client contact. Returns the SLA and token."""
    access.require(actor, Perm.MANAGE_TRAINING, engagement)
    organisation = engagement.organisation
    contact = contact or engagement.contact
    if contact is None or contact.client_id != engagement.client_id:
        raise ValidationError({"contact": _("Choose the client contact who will sign.")})
    if engagement.status not in workflow.BEFORE_SIGNING:
        raise ValidationError(_("An agreement can only be sent before it is signed."))
    sessions = engagement.sessions.exclude(status=c.SessionStatus.CANCELLED)
    if not sessions.exists():
        raise ValidationError(_("Add the delivery sessions before sending the agreement."))
    token = new_token()
    with transaction.atomic():
        locked = lock(engagement)
        m.ServiceLevelAgreement.objects.filter(engagement=locked, status=c.SlaStatus.SENT).update(
            status=c.SlaStatus.WITHDRAWN
        )
        terms = sla_terms(locked)
        total = sum((Decimal(s["value"]) for s in terms["sessions"]), Decimal("0.00"))
        sla = m.ServiceLevelAgreement.objects.create(
            organisation=organisation,
            engagement=locked,
            contact=contact,
            token_hash=hash_token(token),
            sent_by=actor,
            expires_at=timezone.now() + timedelta(days=SLA_DAYS),
            language=contact.language,
            terms=terms,
            total=total,
        )
        old = workflow.move(locked, c.EngagementStatus.SLA_SENT)
        audit.record(
            TrainingEvent.SLA_SENT,
            actor=actor,
            organisation=organisation,
            obj=sla,
            changes={"status": [old, locked.status], "contact": contact.pk, "total": str(total)},
        )
        transaction.on_commit(lambda: _email_sla(sla, token))
    engagement.status = locked.status
    return sla, token


def _email_sla(sla: m.ServiceLevelAgreement, token: str) -> None:
    with translation.override(sla.language):
        context = {
            "sla": sla,
            "organisation": sla.organisation.display_name(sla.language),
            "contact": sla.contact,
            "url": sla_url(token),
        }
        subject = _("Service Level Agreement from %(organisation)s: %(reference)s") % {
            "organisation": context["organisation"],
            "reference": sla.terms.get("reference", ""),
        }
        body = render_to_string("training/email/sla.txt", context)
    send_mail(subject, body, None, [sla.contact.email])


def accept_sla(
    *,
    sla: m.ServiceLevelAgreement,
    name: str,
    job_title: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    agree: bool = True,
) -> m.ServiceLevelAgreement:
    """The client contact accepts the agreement at its link: who, when and from where are kept,
    and the cancellation policy in force now is copied onto the agreement."""
    if not agree:
        raise ValidationError({"agree": _("Confirm that you agree to the terms.")})
    if not name.strip():
        raise ValidationError({"name": _("Enter your full name.")})
    problem = sla_problem(sla)
    if problem:
        raise ValidationError(problem)
    # Reached from a public link: work in the agreement's organisation.
    with organisation_scope(sla.organisation), transaction.atomic():
        locked = m.ServiceLevelAgreement.across_organisations.select_for_update().get(pk=sla.pk)
        if locked.status == c.SlaStatus.ACCEPTED:
            raise ValidationError(_("This agreement has already been accepted. Thank you."))
        if locked.status != c.SlaStatus.SENT:
            raise ValidationError(_("This agreement has been replaced or withdrawn."))
        now = timezone.now()
        locked.status = c.SlaStatus.ACCEPTED
        locked.accepted_at = now
        locked.accepted_name = name.strip()[:200]
        locked.accepted_job_title = job_title.strip()[:120]
        locked.accepted_ip = ip_address
        locked.accepted_user_agent = (user_agent or "")[:300]
        locked.policy_snapshot = policy_snapshot(locked.organisation)
        locked.save()
        engagement = m.Engagement.objects.select_for_update().get(pk=locked.engagement_id)
        workflow.move(engagement, c.EngagementStatus.SIGNED, signed_at=now)
        audit.record(
            TrainingEvent.SLA_ACCEPTED,
            organisation=locked.organisation,
            obj=locked,
            acting_for=f"client contact {locked.contact_id}",
            changes={
                "status": [c.SlaStatus.SENT, c.SlaStatus.ACCEPTED],
                "accepted_ip": ip_address,
                "policy_version": locked.policy_snapshot.get("version"),
            },
        )
    return locked


def withdraw_sla(*, actor: User, sla: m.ServiceLevelAgreement) -> m.ServiceLevelAgreement:
    access.require(actor, Perm.MANAGE_TRAINING, sla)
    if sla.status != c.SlaStatus.SENT:
        raise ValidationError(
            _("Only an agreement that is waiting to be accepted can be withdrawn.")
        )
    with transaction.atomic():
        sla.status = c.SlaStatus.WITHDRAWN
        sla.save(update_fields=["status"])
        engagement = sla.engagement
        if engagement.status == c.EngagementStatus.SLA_SENT:
            workflow.move(engagement, c.EngagementStatus.PROPOSED)
        audit.record(
            TrainingEvent.SLA_WITHDRAWN, actor=actor, organisation=sla.organisation, obj=sla
        )
    return sla
