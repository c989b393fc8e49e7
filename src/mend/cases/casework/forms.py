"""Forms for the casework pages: filtering the case list, transitions, allocation, clocks."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.core.forms import DateInput, GovukForm
from mend.core.models import Membership
from mend.core.roles import Role
from mend.core.submissions import SubmissionMixin


class CaseFilterForm(GovukForm):
    """The case list's filters (a GET form: every field optional)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *c.Status.choices]
    )
    case_type = forms.TypedChoiceField(
        label=_("Case type"), required=False, coerce=int, empty_value=None
    )
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    mine = forms.BooleanField(label=_("Only cases I am allocated to"), required=False)

    def __init__(self, *args, case_types=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = [("", _("Any case type"))] + [
            (t.pk, t.label) for t in case_types
        ]
        self.fields["team"].choices = [("", _("Any team"))] + [(t.pk, t.name) for t in teams]


class TransitionForm(SubmissionMixin, GovukForm):
    """Confirming a transition. What is required is decided by the action, not here, so that a
    refusal lists everything that is missing at once."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    closure_reason = forms.ChoiceField(
        label=_("Why is the case closing?"),
        required=False,
        choices=[("", _("Choose a reason")), *c.ClosureReason.choices],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, transition=None, **kwargs):
        super().__init__(*args, **kwargs)
        if transition is None or transition.name != "close":
            del self.fields["closure_reason"]
        else:
            self.fields["reason"].label = _("Closure notes")
            self.fields["reason"].help_text = _("Stored encrypted. Say briefly why it closed.")
        if transition is None or not transition.needs_reason:
            del self.fields["reason"]
        elif transition.name == "pause":
            self.fields["reason"].help_text = _("Shown on the case while it is paused.")
        elif transition.name == "decline":
            self.fields["reason"].help_text = _("The referrer is told this reason.")


def membership_label(membership: Membership) -> str:
    name = membership.user.full_name or membership.user.email
    if membership.role == Role.EXTERNAL_COWORKER:
        return _("%(name)s (external co-worker: sees only cases they are allocated to)") % {
            "name": name
        }
    return f"{name} ({membership.get_role_display()})"


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return membership_label(obj)


class AllocateForm(SubmissionMixin, GovukForm):
    membership = MembershipChoiceField(
        label=_("Who"), queryset=Membership._base_manager.none(), empty_label=_("Choose a person")
    )
    role = forms.ChoiceField(
        label=_("Their part in the case"),
        choices=c.AllocationRole.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, memberships=None, **kwargs):
        super().__init__(*args, **kwargs)
        if memberships is not None:
            self.fields["membership"].queryset = memberships


class DateDoneForm(GovukForm):
    """The date a Victims' Code duty was met."""

    on = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
    )

    def __init__(self, *args, label=None, prefix=None, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, prefix=prefix, **kwargs)
        if label:
            self.fields["on"].label = label


class ConfirmForm(GovukForm):
    """A button that changes something, with nothing to fill in (end an allocation, a task done)."""
