"""Casework: from referral to closure.

Privacy rule (DESIGN.md rule 3): everything that belongs to one party (contact details, safety,
accessibility needs, assessment answers, risk notes, what must never be disclosed) lives on that
party's rows, encrypted. Documents and messages for a party are built from that party's rows plus
what has been explicitly approved for sharing (approved shuttle messages, screened letters).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.core.fields import EncryptedJSONField, EncryptedTextField
from mend.core.tenancy import OrganisationManager, OrganisationOwned

MEMBERSHIP = "core.Membership"


# ---------------------------------------------------------------- configuration (data)


class CaseType(OrganisationOwned):
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    name_cy = models.CharField(_("name in Welsh"), max_length=120, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # The enhanced pathway (domestic or sexual harm): victim-initiated only, specialist
    # consultation, advanced practitioner and manager sign-off.
    enhanced_pathway = models.BooleanField(_("enhanced pathway"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="case_type_code_unique")
        ]

    def __str__(self) -> str:
        return self.label

    def display_name(self, language: str) -> str:
        return self.name_cy if language == "cy" and self.name_cy else self.name

    @property
    def label(self) -> str:
        """The name in the language of the page being drawn."""
        return self.display_name(get_language() or "en")


class TimelineStep(OrganisationOwned):
    """An expected step of a case type, due `day_offset` calendar days after acceptance."""

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=c.TimelineStepKind.choices)
    day_offset = models.PositiveIntegerField(_("days after acceptance"))

    class Meta:
        ordering = ["case_type", "day_offset"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "kind"], name="timeline_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_type}: {self.get_kind_display()} (+{self.day_offset})"


class ComplexityFactor(OrganisationOwned):
    """What makes a case sensitive or complex, and the sign-offs that then become required."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    name_cy = models.CharField(_("name in Welsh"), max_length=120, blank=True)
    needs_advanced_signoff = models.BooleanField(default=True)
    needs_manager_signoff = models.BooleanField(default=False)
    needs_specialist_consultation = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="complexity_code_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_cy if (get_language() or "en") == "cy" and self.name_cy else self.name


class QuestionSet(OrganisationOwned):
    """Structured assessment questions, e.g. the restorative questions for each party role.

    `questions` is a list of {"key": str, "en": str, "cy": str}.
    """

    code = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=120)
    party_role = models.CharField(max_length=20, choices=c.PartyRole.choices, blank=True)
    questions = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="question_set_unique")
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- the case


class Case(OrganisationOwned):
    reference = models.CharField(_("reference"), max_length=32, editable=False)
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=c.Status.choices, default=c.Status.REFERRED
    )
    paused_from = models.CharField(max_length=20, choices=c.Status.choices, blank=True)
    pause_reason = models.CharField(_("why the case is paused"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=c.Source.choices)
    # The partner-agency user who referred (they may follow its status, nothing more).
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referring_agency = models.CharField(_("referring agency"), max_length=200, blank=True)
    # {"name", "role", "email", "phone"} of the referrer
    referrer_contact = EncryptedJSONField(null=True, blank=True)
    summary = EncryptedTextField(_("what happened"), blank=True)
    justice_stage = models.CharField(
        _("criminal-justice stage"),
        max_length=20,
        choices=c.JusticeStage.choices,
        default=c.JusticeStage.NONE,
    )
    sharing_basis = models.CharField(
        _("information-sharing basis"), max_length=30, choices=c.SharingBasis.choices, blank=True
    )
    sharing_reference = models.CharField(_("agreement reference"), max_length=100, blank=True)
    received_on = models.DateField(_("referral received"), default=timezone.localdate)
    incident_date = models.DateField(_("date of the incident"), null=True, blank=True)
    # Victims' Code clocks start when the crime was reported.
    reported_on = models.DateField(_("date the crime was reported"), null=True, blank=True)
    enhanced_rights = models.BooleanField(_("victim entitled to enhanced rights"), default=False)
    # The enhanced pathway may only begin at the request of the person harmed.
    harmed_initiated = models.BooleanField(_("requested by the person harmed"), default=False)
    information_offered_on = models.DateField(null=True, blank=True)
    support_referred_on = models.DateField(null=True, blank=True)
    bank_holiday_region = models.CharField(
        max_length=3, choices=[("ENG", _("England")), ("WLS", _("Wales"))], default="WLS"
    )
    complexity_factors = models.ManyToManyField(ComplexityFactor, blank=True, related_name="+")
    team = models.ForeignKey(
        "core.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_on = models.DateField(null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=30, choices=c.ClosureReason.choices, blank=True
    )
    closure_notes = EncryptedTextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_reference")
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["organisation", "-received_on", "-id"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in c.OPEN_STATUSES


class CaseCounter(OrganisationOwned):
    """Gapless case references per organisation and year (locked while a number is taken)."""

    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="case_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class StatusChange(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    transition = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=c.Status.choices)
    to_status = models.CharField(max_length=20, choices=c.Status.choices)
    reason = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} -> {self.to_status}"


class Allocation(OrganisationOwned):
    """Who works on a case: lead, co-workers (including external professionals), observers."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    membership = models.ForeignKey(MEMBERSHIP, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=c.AllocationRole.choices)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "membership"],
                condition=models.Q(ended_on=None),
                name="one_current_allocation_per_person",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_on=None, role="lead"),
                name="one_current_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.membership_id} ({self.role})"


class Party(OrganisationOwned):
    """A person's part in one case. Everything here belongs to this party alone."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(_("part in the case"), max_length=20, choices=c.PartyRole.choices)
    supports = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supporters"
    )
    # {"methods": [...], "safe_times": str, "notes": str}
    contact_preferences = EncryptedJSONField(null=True, blank=True)
    accessibility_needs = EncryptedTextField(_("accessibility needs"), blank=True)
    safety_flags = EncryptedTextField(_("safety concerns"), blank=True)
    never_disclose = EncryptedTextField(_("never to be disclosed to the other side"), blank=True)
    is_under_18 = models.BooleanField(_("under 18"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["case", "role", "id"]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class Consent(OrganisationOwned):
    """One consent given by one party for one scope; withdrawal is recorded on the same row."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=30, choices=c.ConsentScope.choices)
    given_on = models.DateField(default=timezone.localdate)
    method = models.CharField(max_length=20, choices=c.ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_method = models.CharField(max_length=20, choices=c.ConsentMethod.choices, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["party", "scope", "-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.party_id}: {self.scope}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_on is None


# ---------------------------------------------------------------- assessment and risk


class RiskAssessment(OrganisationOwned):
    """The referrer's handover (party empty, document attached) or a practitioner's assessment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="risk_assessments"
    )
    is_handover = models.BooleanField(default=False)
    level = models.CharField(_("risk level"), max_length=10, choices=c.RiskLevel.choices)
    notes = EncryptedTextField(_("risks identified"), blank=True)
    mitigation = EncryptedTextField(_("mitigation plan"), blank=True)
    document = models.FileField(upload_to="handovers/%Y/", null=True, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    assessed_on = models.DateField(default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.level}"


class Assessment(OrganisationOwned):
    """A joint initial assessment with one party: their answers, needs and hopes."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="assessments")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="+")
    answers = EncryptedJSONField(null=True, blank=True)  # {question key: answer}
    needs = EncryptedTextField(_("needs"), blank=True)
    hopes = EncryptedTextField(_("what they hope for"), blank=True)
    assessed_on = models.DateField(default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.party_id}: {self.question_set_id}"


class SignOff(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signoffs")
    kind = models.CharField(max_length=20, choices=c.SignOffKind.choices)
    by = models.ForeignKey(MEMBERSHIP, on_delete=models.PROTECT, related_name="+")
    # For a specialist consultation: which service was consulted.
    specialist_service = models.CharField(max_length=200, blank=True)
    notes = EncryptedTextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class SuitabilityDecision(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suitability")
    process_kind = models.CharField(max_length=20, choices=c.ProcessKind.choices)
    decision = models.CharField(max_length=20, choices=c.Suitability.choices)
    reason = models.CharField(max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.process_kind} {self.decision}"


class PrinciplesChecklist(OrganisationOwned):
    """The guiding principles, considered and recorded at the decision to proceed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="principles")
    # {principle: "how it is upheld"} for every principle in choices.Principle
    considered = models.JSONField(default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.case_id}: principles"


# ---------------------------------------------------------------- work on the case


class Activity(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=c.ActivityKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    duration_minutes = models.PositiveIntegerField(default=0)
    practitioners = models.ManyToManyField(MEMBERSHIP, blank=True, related_name="+")
    parties = models.ManyToManyField(Party, blank=True, related_name="activities")
    # Whose information the notes hold (shown on every screen that shows them).
    belongs_to = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    notes = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class Process(OrganisationOwned):
    """A restorative process chosen from the menu of services."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="processes")
    kind = models.CharField(max_length=20, choices=c.ProcessKind.choices)
    parties = models.ManyToManyField(Party, blank=True, related_name="processes")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class Meeting(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    process = models.ForeignKey(
        Process, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    kind = models.CharField(max_length=20, choices=c.ProcessKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=300)
    attendees = models.ManyToManyField(Party, related_name="meetings")
    facilitators = models.ManyToManyField(MEMBERSHIP, blank=True, related_name="+")
    status = models.CharField(
        max_length=20, choices=c.MeetingStatus.choices, default=c.MeetingStatus.PLANNED
    )
    cancelled_reason = models.CharField(max_length=300, blank=True)
    uid = models.CharField(max_length=80, editable=False)  # stable iCalendar UID
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind} {self.starts_at:%Y-%m-%d}"


class Task(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, blank=True)
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    assignee = models.ForeignKey(
        MEMBERSHIP, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "done_on", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        """Timeline tasks are named in the reader's language; others as they were written."""
        if self.kind.startswith("timeline:"):
            kind = self.kind.removeprefix("timeline:")
            if kind in c.TimelineStepKind.values:
                return str(c.TimelineStepKind(kind).label)
        return self.title


# ---------------------------------------------------------------- communication between parties


class ShuttleMessage(OrganisationOwned):
    """A message from one party to another, carried by the practitioner after approval."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shuttle_messages")
    sender = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField()
    status = models.CharField(
        max_length=20, choices=c.MessageStatus.choices, default=c.MessageStatus.DRAFT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Why the practitioner did not pass the message on (may quote it, so encrypted).
    withheld_reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.sender_id} -> {self.recipient_id}"


class Letter(OrganisationOwned):
    """A letter (e.g. of apology) guided by the restorative questions."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    writer = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    answers = EncryptedJSONField(null=True, blank=True)  # {question key: text}
    body = EncryptedTextField(blank=True)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(
        max_length=20, choices=c.LetterStatus.choices, default=c.LetterStatus.DRAFT
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    # The practitioner's note when screening sent the letter back to draft.
    screening_note = EncryptedTextField(blank=True)
    recipient_opted_in_on = models.DateField(null=True, blank=True)
    route = models.CharField(max_length=20, choices=c.DeliveryRoute.choices, blank=True)
    route_agency = models.CharField(max_length=200, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    read_on = models.DateField(null=True, blank=True)
    # The recipient decides whether the writer learns that the letter was read.
    writer_may_know_read = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id}: letter {self.pk}"


# ---------------------------------------------------------------- outcomes


class SupportReferral(OrganisationOwned):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="support_referrals")
    service = models.CharField(max_length=20, choices=c.SupportService.choices)
    provider = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=c.SupportStatus.choices, default=c.SupportStatus.SUGGESTED
    )
    referred_on = models.DateField(null=True, blank=True)
    outcome = EncryptedTextField(blank=True)
    updated_on = models.DateField(default=timezone.localdate)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.party_id}: {self.service}"


class Agreement(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    made_on = models.DateField(default=timezone.localdate)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["made_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: agreement {self.pk}"


class AgreementItem(OrganisationOwned):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=c.AgreementItemKind.choices)
    responsible = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    serves = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    description = EncryptedTextField()
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=c.AgreementItemStatus.choices, default=c.AgreementItemStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.kind}"

    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments.all()), Decimal("0.00"))


class Payment(OrganisationOwned):
    item = models.ForeignKey(AgreementItem, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    paid_on = models.DateField()

    class Meta:
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.amount}"


class FeedbackRequest(OrganisationOwned):
    """A one-time survey link for one party (no sign-in). Only the token's hash is stored."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="feedback_requests")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)  # 1..5
    felt_safe = models.BooleanField(null=True, blank=True)
    felt_heard = models.BooleanField(null=True, blank=True)
    would_recommend = models.BooleanField(null=True, blank=True)
    comments = EncryptedTextField(blank=True)
    may_quote_anonymously = models.BooleanField(default=False)

    across_organisations = models.Manager()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.party_id}: feedback"


class CaseStudy(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_studies")
    title = models.CharField(max_length=200)
    narrative = models.TextField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrganisationManager()
    across_organisations = models.Manager()  # the public case-studies page

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title
