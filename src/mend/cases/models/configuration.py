"""Casework configuration as data: case types and their timelines, complexity factors, question sets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.core.tenancy import OrganisationOwned

MEMBERSHIP = "core.Membership"


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
