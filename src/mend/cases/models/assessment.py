"""Assessment and risk, sign-offs, the decision to proceed and the guiding principles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.cases.models.cases import Case
from mend.cases.models.configuration import QuestionSet
from mend.cases.models.parties import Party
from mend.core.fields import EncryptedJSONField, EncryptedTextField
from mend.core.tenancy import OrganisationOwned

MEMBERSHIP = "core.Membership"


class AssessmentRecord(OrganisationOwned):
    """An assessment: the day it was made and who made it, newest first."""

    assessed_on = models.DateField(default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-assessed_on", "-id"]


class RiskAssessment(AssessmentRecord):
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

    def __str__(self) -> str:
        return f"{self.case_id}: {self.level}"


class Assessment(AssessmentRecord):
    """A joint initial assessment with one party: their answers, needs and hopes."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="assessments")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="+")
    answers = EncryptedJSONField(null=True, blank=True)  # {question key: answer}
    needs = EncryptedTextField(_("needs"), blank=True)
    hopes = EncryptedTextField(_("what they hope for"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

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


class DecisionRecord(OrganisationOwned):
    """Something recorded at the decision to proceed: who recorded it and when, newest first."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-at"]


class SuitabilityDecision(DecisionRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suitability")
    process_kind = models.CharField(max_length=20, choices=c.ProcessKind.choices)
    decision = models.CharField(max_length=20, choices=c.Suitability.choices)
    reason = models.CharField(max_length=500)

    def __str__(self) -> str:
        return f"{self.case_id}: {self.process_kind} {self.decision}"


class PrinciplesChecklist(DecisionRecord):
    """The guiding principles, considered and recorded at the decision to proceed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="principles")
    # {principle: "how it is upheld"} for every principle in choices.Principle
    considered = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.case_id}: principles"
