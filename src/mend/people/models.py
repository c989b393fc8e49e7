"""A Person is a human being known to the organisation, across all the cases they appear in."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.core.fields import EncryptedJSONField
from mend.core.tenancy import OrganisationOwned
from mend.people.names import block, name_key, postcode_key, search_name, sound_name


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    WELSH = "cy", _("Welsh")
    OTHER = "other", _("Another language")


class Person(OrganisationOwned):
    """Names, date of birth and postcode are kept in the clear so that likely duplicates can be
    found at intake; everything else that identifies or locates a person is encrypted."""

    # Who a person is never enters the audit chain (which cannot be erased): an edit is recorded
    # as which details changed, not their values.
    AUDIT_REDACTED = frozenset(
        {
            "first_name",
            "last_name",
            "date_of_birth",
            "postcode",
            "preferred_language",
            "other_language",
            "needs_interpreter",
        }
    )

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    # Normalised copies for duplicate detection (derived in save()).
    first_name_key = models.CharField(max_length=100, editable=False, db_index=True)
    last_name_key = models.CharField(max_length=100, editable=False, db_index=True)
    postcode_key = models.CharField(max_length=10, editable=False, db_index=True)
    # For search and duplicate detection by similarity (people.names): the name's words, the
    # same as they sound, and how the first and the last name start (indexed: the candidates).
    search_name = models.CharField(max_length=201, editable=False, default="")
    sound_name = models.CharField(max_length=201, editable=False, default="")
    first_block = models.CharField(max_length=3, editable=False, default="")
    last_block = models.CharField(max_length=3, editable=False, default="")
    # {"phone": ..., "email": ..., "address": ...}
    contact = EncryptedJSONField(_("contact details"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    other_language = models.CharField(_("other language"), max_length=60, blank=True)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["organisation", "last_name_key", "first_name_key"]),
            models.Index(fields=["organisation", "date_of_birth"]),
            models.Index(fields=["organisation", "first_block"]),
            models.Index(fields=["organisation", "last_block"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def derive_keys(self) -> None:
        """The normalised copies of name and postcode (save() calls this; bulk_create does not)."""
        self.first_name_key = name_key(self.first_name)
        self.last_name_key = name_key(self.last_name)
        self.postcode_key = postcode_key(self.postcode)
        self.search_name = search_name(self.first_name, self.last_name)
        self.sound_name = sound_name(self.first_name, self.last_name)
        self.first_block = block(self.first_name)
        self.last_block = block(self.last_name)

    def save(self, *args, **kwargs):
        self.derive_keys()
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "first_name_key",
                "last_name_key",
                "postcode_key",
                "search_name",
                "sound_name",
                "first_block",
                "last_block",
            }
        super().save(*args, **kwargs)
