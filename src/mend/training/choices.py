"""Fixed vocabularies of the training business (stored as codes, shown translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    SCHOOL = "school", _("School or college")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    HEALTH = "health", _("NHS or health")
    CRIMINAL_JUSTICE = "criminal_justice", _("Criminal justice")
    THIRD_SECTOR = "third_sector", _("Third sector")
    BUSINESS = "business", _("Business")


class ContactRole(models.TextChoices):
    BOOKING = "booking", _("Books training")
    FINANCE = "finance", _("Invoices and payments")
    SENIOR_LEADER = "senior_leader", _("Senior leader")
    SAFEGUARDING = "safeguarding", _("Safeguarding lead")
    OTHER = "other", _("Other")


class CourseFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    ELEARNING = "elearning", _("E-learning")


class Audience(models.TextChoices):
    PRACTITIONERS = "practitioners", _("Practitioners")
    SCHOOL_STAFF = "school_staff", _("School staff")
    LEADERS = "leaders", _("Leaders and managers")
    PARENTS_CARERS = "parents_carers", _("Parents and carers")
    CRIMINAL_JUSTICE = "criminal_justice", _("Criminal-justice staff")
    GENERAL = "general", _("Anyone")


class EnquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    CONVERTED = "converted", _("Became an engagement")
    CLOSED = "closed", _("Closed")


class EngagementStatus(models.TextChoices):
    """In order: each status is reached by an action; the moves are declared in training.workflow."""

    ENQUIRY = "enquiry", _("Enquiry")
    PROPOSED = "proposed", _("Quote sent")
    SLA_SENT = "sla_sent", _("Agreement sent")
    SIGNED = "signed", _("Agreement signed")
    DELIVERED = "delivered", _("Delivered")
    INVOICED = "invoiced", _("Invoiced")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class SlaStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TierKind(models.TextChoices):
    AFTER_SIGNING = "after_signing", _("After signing")
    WITHIN_DAYS = "within_days", _("Within a number of days of delivery")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card")
    CHEQUE = "cheque", _("Cheque")
    OTHER = "other", _("Other")


class TrainerLevel(models.TextChoices):
    FOUNDATION = "foundation", _("Foundation")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


ALLOCATABLE_LEVELS = (TrainerLevel.INTERMEDIATE, TrainerLevel.ADVANCED)


class SurveyStage(models.TextChoices):
    PRE = "pre", _("Before the course")
    POST = "post", _("After the course")


class Language(models.TextChoices):
    EN = "en", _("English")
    CY = "cy", _("Welsh")
