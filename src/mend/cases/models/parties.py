"""The people in a case (parties) and their consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.cases.models.cases import Case
from mend.core.fields import EncryptedJSONField, EncryptedTextField
from mend.core.tenancy import OrganisationOwned

MEMBERSHIP = "core.Membership"


class Party(OrganisationOwned):
    """A person's part in one case. Everything here belongs to this party alone."""

    # A party's own details never enter the audit chain by value (the text ones are encrypted):
    # an edit is recorded as which details changed.
    AUDIT_REDACTED = frozenset({"is_under_18"})

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
