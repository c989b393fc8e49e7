"""E-learning: modules, lessons, quizzes, learners, enrolments, attempts and CPD entries."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.core.tenancy import OrganisationOwned
from mend.training.models.base import MEMBERSHIP, bilingual
from mend.training.models.sales import Client

# ---------------------------------------------------------------- e-learning


class Module(OrganisationOwned):
    # Not a column: set by `learn.queries.mark_enrolled` for display.
    enrolment_pk: int | None

    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_cy = models.TextField(_("summary in Welsh"), blank=True)
    cpd_hours = models.DecimalField(
        _("CPD hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)]
    )
    pass_mark = models.PositiveIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_published = models.BooleanField(_("published"), default=False)
    open_to_public = models.BooleanField(_("anyone can sign up"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        return bilingual(self.title, self.title_cy)


class Lesson(OrganisationOwned):
    # Not a column: set by `learn.queries.module_lessons` for display.
    is_done: bool

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    # Rich text, sanitised by training.richtext before it is saved.
    body = models.TextField(_("text"))
    body_cy = models.TextField(_("text in Welsh"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["module", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        return bilingual(self.title, self.title_cy)


class QuizQuestion(OrganisationOwned):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=500)
    text_cy = models.CharField(_("question in Welsh"), max_length=500, blank=True)

    class Meta:
        ordering = ["module", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def label(self) -> str:
        return bilingual(self.text, self.text_cy)


class QuizChoice(OrganisationOwned):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(_("position"))
    text = models.CharField(_("answer"), max_length=300)
    text_cy = models.CharField(_("answer in Welsh"), max_length=300, blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def label(self) -> str:
        return bilingual(self.text, self.text_cy)


class Learner(OrganisationOwned):
    """Someone taking e-learning with this organisation: a member, or a public sign-up."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("full name"), max_length=200)
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="learners"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    across_organisations = models.Manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="learner_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(OrganisationOwned):
    # Not columns: set by `elearning.queries` and `learn.queries` for display.
    done: int
    percent: int
    total: int

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="enrolments")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="enrolments")
    enrolled_at = models.DateTimeField(default=timezone.now, editable=False)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments"
    )
    completed_lessons = models.JSONField(default=list, blank=True)
    best_score = models.PositiveIntegerField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "module"], name="enrolment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}: {self.module_id}"


class QuizAttempt(OrganisationOwned):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    answers = models.JSONField(default=dict)  # {question id: choice id}
    score = models.PositiveIntegerField()  # percent
    passed = models.BooleanField()

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.score}%"


class CpdEntry(OrganisationOwned):
    """CPD hours on a practitioner's record (credited when a member passes e-learning)."""

    membership = models.ForeignKey(MEMBERSHIP, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="cpd_entry"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-completed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.hours}h"
