"""Core models: organisations, teams, memberships with roles, invitations, and the audit trail."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mend.core.fields import EncryptedTextField
from mend.core.roles import Role
from mend.core.tenancy import OrganisationManager, OrganisationOwned

if TYPE_CHECKING:
    _UserManagerBase = BaseUserManager["User"]
else:
    _UserManagerBase = BaseUserManager


class UserManager(_UserManagerBase):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships, never from this row."""

    # Django's documented way to drop a field of AbstractUser; the stubs type it as str only.
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Signed up for e-learning through the public form. Such an account may skip two-step
    # sign-in while it has no membership of any organisation (docs/decisions/0013).
    is_learner_account = models.BooleanField(default=False, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    # Replaces Django's username-based UserManager, to which the stubs tie AbstractUser.objects.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]


class Organisation(models.Model):
    """A service provider using Mend: the tenant every domain row belongs to."""

    name = models.CharField(_("name"), max_length=200)
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    slug = models.SlugField(_("short name"), unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str) -> str:
        return self.name_cy if language == "cy" and self.name_cy else self.name

    @property
    def label(self) -> str:
        """The name in the language of the page being drawn."""
        return self.display_name(translation.get_language() or "en")


class Team(OrganisationOwned):
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(OrganisationOwned):
    """A person's place in one organisation, with one role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    teams = models.ManyToManyField(Team, blank=True, related_name="memberships")
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(default=timezone.now, editable=False)
    deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)
    support_notes = EncryptedTextField(
        _("support notes"),
        blank=True,
        help_text=_("Private notes about support or adjustments this person needs."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    # Declared again so that it stays the default manager (before `across_organisations`); the
    # django-stubs plugin types an inherited manager as a ClassVar and refuses the redefinition.
    objects = OrganisationManager()  # type: ignore[misc]
    # The organisation switcher lists a person's own memberships across organisations.
    across_organisations = models.Manager()

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(OrganisationOwned):
    """An emailed invitation to join an organisation with a role. Only the token's hash is kept."""

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    teams = models.ManyToManyField(Team, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Empty for the first administrator of a new organisation (invited by `create_organisation`).
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    across_organisations = models.Manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_open(self) -> bool:
        return not (self.accepted_at or self.revoked_at or self.is_expired)


class AuditEvent(models.Model):
    """One action, in a hash chain per organisation (see core.audit and `manage.py audit_verify`)."""

    chain = models.CharField(max_length=40, editable=False)
    sequence = models.PositiveBigIntegerField(editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    acting_for = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(editable=False)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_chain_sequence")
        ]
        indexes = [models.Index(fields=["organisation", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The last link of each chain; locked while a new event is appended."""

    chain = models.CharField(max_length=40, primary_key=True)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain} at {self.sequence}"


class AccessLog(models.Model):
    """A view or export of a sensitive record."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id}"


class RateCount(models.Model):
    """How many submissions of one public form one address has made in the current window
    (`public_forms.RateLimit`). Counted by one atomic statement in the database, so every
    process and every app server shares the count and a limit of five lets exactly five in."""

    bucket = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    resets_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "core_ratecount"  # named in public_forms.RateLimit.take's statement

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"


class SubmissionClaim(models.Model):
    """A create form's submission, claimed by the request that saves it (`submissions`): a
    repeated or parallel POST of the same form waits for the first and is sent where it went.
    `key` is a digest of the person and the form's submission id; kept for a day."""

    key = models.CharField(max_length=64, primary_key=True)
    target = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "core_submissionclaim"  # named in submissions._claim's statement

    def __str__(self) -> str:
        return self.key
