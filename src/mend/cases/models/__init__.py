"""Casework: from referral to closure.

Privacy rule (DESIGN.md rule 3): everything that belongs to one party (contact details, safety,
accessibility needs, assessment answers, risk notes, what must never be disclosed) lives on that
party's rows, encrypted. Documents and messages for a party are built from that party's rows plus
what has been explicitly approved for sharing (approved shuttle messages, screened letters).
"""

from mend.cases.models.assessment import (
    Assessment,
    PrinciplesChecklist,
    RiskAssessment,
    SignOff,
    SuitabilityDecision,
)
from mend.cases.models.cases import Allocation, Case, CaseCounter, StatusChange, Task
from mend.cases.models.communication import Letter, ShuttleMessage
from mend.cases.models.configuration import CaseType, ComplexityFactor, QuestionSet, TimelineStep
from mend.cases.models.outcomes import (
    Agreement,
    AgreementItem,
    CaseStudy,
    FeedbackRequest,
    Payment,
    SupportReferral,
)
from mend.cases.models.parties import Consent, Party
from mend.cases.models.work import Activity, Meeting, Process

__all__ = [
    "Activity",
    "Agreement",
    "AgreementItem",
    "Allocation",
    "Assessment",
    "Case",
    "CaseCounter",
    "CaseStudy",
    "CaseType",
    "ComplexityFactor",
    "Consent",
    "FeedbackRequest",
    "Letter",
    "Meeting",
    "Party",
    "Payment",
    "PrinciplesChecklist",
    "Process",
    "QuestionSet",
    "RiskAssessment",
    "ShuttleMessage",
    "SignOff",
    "StatusChange",
    "SuitabilityDecision",
    "SupportReferral",
    "Task",
    "TimelineStep",
]
