"""The fixed vocabularies of casework. Configurable lists (case types, question sets, complexity
factors) are data in models.py; these are the ones the workflow's rules depend on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ASSESSMENT = "assessment", _("Assessment")
    PREPARATION = "preparation", _("Preparation")
    PROCESS = "process", _("Restorative process")
    OUTCOME = "outcome", _("Outcome")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    PAUSED = "paused", _("Paused")


OPEN_STATUSES = (
    Status.REFERRED,
    Status.ACCEPTED,
    Status.ASSESSMENT,
    Status.PREPARATION,
    Status.PROCESS,
    Status.OUTCOME,
    Status.FOLLOW_UP,
    Status.PAUSED,
)


class Source(models.TextChoices):
    AGENCY = "agency", _("Partner agency")
    SELF = "self", _("Self-referral")
    INTERNAL = "internal", _("Internal")


class JusticeStage(models.TextChoices):
    NONE = "none", _("Not a criminal matter")
    PRE_CHARGE = "pre_charge", _("Reported, before any charge")
    PRE_SENTENCE = "pre_sentence", _("Charged, before sentence")
    COMMUNITY = "community", _("Sentenced: community order")
    CUSTODY = "custody", _("Sentenced: in custody")
    RELEASED = "released", _("Released on licence")
    OUT_OF_COURT = "out_of_court", _("Out-of-court resolution")


class SharingBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the person")
    AGREEMENT = "agreement", _("Information-sharing agreement")
    PUBLIC_TASK = "public_task", _("Public task")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")


class PartyRole(models.TextChoices):
    HARMED = "harmed", _("Person harmed")
    RESPONSIBLE = "responsible", _("Person responsible")
    SUPPORTER = "supporter", _("Supporter")
    PARENT_CARER = "parent_carer", _("Parent or carer")
    COMMUNITY = "community", _("Community member")
    PROFESSIONAL = "professional", _("Professional")


class ConsentScope(models.TextChoices):
    TAKE_PART = "take_part", _("To take part")
    SHARE_WITH_OTHER_PARTY = "share_other_party", _("To share information with the other party")
    SHARE_WITH_REFERRER = "share_referrer", _("To share information with the referrer")
    FEEDBACK = "feedback", _("To be asked for feedback")
    CASE_STUDY = "case_study", _("To be part of an anonymised case study")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Signed form")
    ONLINE = "online", _("Online form")
    VERBAL = "verbal", _("Verbally, confirmed in writing")


class AllocationRole(models.TextChoices):
    LEAD = "lead", _("Lead practitioner")
    CO_WORKER = "co_worker", _("Co-worker")
    OBSERVER = "observer", _("Observer")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class SignOffKind(models.TextChoices):
    RISK = "risk", _("Risk sign-off")
    ADVANCED = "advanced", _("Advanced practitioner sign-off")
    MANAGER = "manager", _("Manager sign-off")
    SPECIALIST = "specialist", _("Specialist consultation")


class ProcessKind(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face-to-face meeting or conference")
    VIDEO = "video", _("Video meeting")
    SHUTTLE = "shuttle", _("Shuttle mediation")
    LETTER = "letter", _("Written correspondence")
    CIRCLE = "circle", _("Circle")
    FAMILY_GROUP = "family_group", _("Family group conference")


DIRECT_PROCESSES = (
    ProcessKind.FACE_TO_FACE,
    ProcessKind.VIDEO,
    ProcessKind.CIRCLE,
    ProcessKind.FAMILY_GROUP,
)


class Suitability(models.TextChoices):
    SUITABLE = "suitable", _("Suitable")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


class Principle(models.TextChoices):
    RESTORATION = "restoration", _("Restoration")
    VOLUNTEERISM = "volunteerism", _("Volunteerism")
    NEUTRALITY = "neutrality", _("Neutrality")
    SAFETY = "safety", _("Safety")
    ACCESSIBILITY = "accessibility", _("Accessibility")
    RESPECT = "respect", _("Respect")


class ActivityKind(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    PREPARATION = "preparation", _("Preparation meeting")
    CASE_DISCUSSION = "case_discussion", _("Case discussion")
    ASSESSMENT = "assessment", _("Assessment meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ClosureReason(models.TextChoices):
    COMPLETED_DIRECT = "completed_direct", _("Completed: direct process")
    COMPLETED_INDIRECT = "completed_indirect", _("Completed: indirect process")
    WITHDRAWN_HARMED = "withdrawn_harmed", _("Withdrawn by the person harmed")
    WITHDRAWN_RESPONSIBLE = "withdrawn_responsible", _("Withdrawn by the person responsible")
    NOT_SUITABLE = "not_suitable", _("Not suitable")
    UNABLE_TO_CONTACT = "unable_to_contact", _("Unable to contact")
    OTHER = "other", _("Other")


class TimelineStepKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("First contact")
    ASSESSMENT = "assessment", _("Assessment")
    PREPARATION = "preparation", _("Preparation")
    PROCESS = "process", _("Restorative process")
    FOLLOW_UP = "follow_up", _("Follow-up")


class ClockKind(models.TextChoices):
    INFORMATION = "information", _("Information about restorative justice offered")
    SUPPORT_REFERRAL = "support_referral", _("Referral to support services")


class MessageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    DELIVERED = "delivered", _("Delivered")
    WITHHELD = "withheld", _("Withheld")


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCREENED = "screened", _("Screened")
    HELD = "held", _("Held on file until wanted")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DeliveryRoute(models.TextChoices):
    DIRECT = "direct", _("Directly by the practitioner")
    PROBATION = "probation", _("Via the Probation Service")
    OTHER_AGENCY = "other_agency", _("Via another agency")
    HOLD = "hold", _("Held on file until wanted")


class SupportService(models.TextChoices):
    COUNSELLING = "counselling", _("Counselling")
    GP = "gp", _("GP")
    BENEFITS = "benefits", _("Benefits advice")
    SUBSTANCE = "substance", _("Substance misuse service")
    HOUSING = "housing", _("Housing")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic-abuse service")
    OTHER = "other", _("Other")


class SupportStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    REFERRED = "referred", _("Referred")
    ENGAGED = "engaged", _("Engaged")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


class AgreementItemKind(models.TextChoices):
    APOLOGY = "apology", _("Apology")
    REPARATION = "reparation", _("Reparation")
    RESTITUTION = "restitution", _("Restitution (payment)")
    COMMUNITY_WORK = "community_work", _("Community work")
    BEHAVIOUR = "behaviour", _("Behaviour commitment")
    OTHER = "other", _("Other")


class AgreementItemStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")
