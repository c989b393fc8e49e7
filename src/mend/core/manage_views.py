"""Organisation administration pages (not Django admin): people, invitations, teams, audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mend.core import access, actions, audit, queries
from mend.core.access import PUBLIC, decide, requires
from mend.core.auth import STRONG_FACTORS
from mend.core.forms import (
    AcceptInvitationForm,
    InviteForm,
    MemberTeamsForm,
    RoleForm,
    SupportNotesForm,
    TeamForm,
)
from mend.core.models import AccessLog, AuditEvent, Invitation, Membership, Team
from mend.core.roles import Perm
from mend.core.submissions import form_page, handle_post
from mend.core.web import MemberRequest

# ---------------------------------------------------------------- people


@decide(requires(Perm.VIEW_MEMBERS))
def member_list(request: MemberRequest) -> HttpResponse:
    members = (
        Membership.objects.for_user(request.user, Perm.VIEW_MEMBERS)
        .select_related("user")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
        .order_by("-is_active", "user__full_name", "user__email")
    )
    show = request.GET.get("show", "active")
    if show != "all":
        members = members.filter(is_active=True)
    invitations: list[Invitation] = []
    if access.has_perm(request.user, Perm.MANAGE_MEMBERS):
        invitations = list(
            Invitation.objects.filter(accepted_at=None, revoked_at=None)
            .select_related("invited_by")
            .order_by("-created_at")[: settings.MEND_PAGE_SIZE]
        )
    return render(
        request,
        "core/manage/member_list.html",
        {
            "members": list(members[:500]),
            "invitations": invitations,
            "show": show,
            "now": timezone.now(),
        },
    )


@decide(requires(Perm.VIEW_MEMBERS))
def member_detail(request: MemberRequest, pk: int) -> HttpResponse:
    membership = access.get_object_or_404(request, Membership, Perm.VIEW_MEMBERS, pk=pk)
    can_manage = access.can(request.user, access.ObjectAction.CHANGE_ROLE, membership)
    can_notes = access.can(request.user, Perm.VIEW_SENSITIVE_STAFF_NOTES, membership)
    teams = Team.objects.all()
    role_form = RoleForm.editing(membership)
    teams_form = MemberTeamsForm(teams=teams, initial={"teams": list(membership.teams.all())})
    notes_form = None
    if can_notes:
        notes_form = SupportNotesForm.editing(membership)
        audit.log_access(request.user, membership, request.organisation)
    has_mfa = Authenticator.objects.filter(user=membership.user, type__in=STRONG_FACTORS).exists()
    return render(
        request,
        "core/manage/member_detail.html",
        {
            "member": membership,
            "role_form": role_form,
            "teams_form": teams_form,
            "notes_form": notes_form,
            "can_manage": can_manage,
            "can_manage_teams_of": access.has_perm(request.user, Perm.MANAGE_MEMBERS),
            "can_deactivate": access.can(
                request.user, access.ObjectAction.DEACTIVATE_MEMBER, membership
            ),
            "has_mfa": has_mfa,
            "can_view_audit": access.has_perm(request.user, Perm.VIEW_AUDIT),
        },
    )


def _member_form(
    request: MemberRequest,
    membership: Membership,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    *,
    message: str,
    title: str,
) -> HttpResponse:
    """One of the small forms that change a member, back to the member's page when done."""
    return form_page(
        request,
        form,
        act,
        redirect_to=reverse("member_detail", args=[membership.pk]),
        message=message,
        template="core/manage/member_form.html",
        context={"member": membership, "form": form, "title": title},
    )


@decide(requires(Perm.MANAGE_MEMBERS))
def member_role(request: MemberRequest, pk: int) -> HttpResponse:
    membership = access.get_object_or_404(request, Membership, Perm.MANAGE_MEMBERS, pk=pk)
    form = RoleForm.editing(membership, request.POST)
    return _member_form(
        request,
        membership,
        form,
        lambda data: actions.change_role(actor=request.user, membership=membership, **data),
        message=_("Role changed."),
        title=_("Change role"),
    )


@decide(requires(Perm.MANAGE_MEMBERS))
def member_teams(request: MemberRequest, pk: int) -> HttpResponse:
    membership = access.get_object_or_404(request, Membership, Perm.MANAGE_MEMBERS, pk=pk)
    form = MemberTeamsForm(
        request.POST or None,
        teams=Team.objects.all(),
        initial={"teams": list(membership.teams.all())},
    )
    return _member_form(
        request,
        membership,
        form,
        lambda data: actions.set_member_teams(
            actor=request.user, membership=membership, teams=list(data["teams"])
        ),
        message=_("Teams changed."),
        title=_("Change teams"),
    )


@decide(requires(Perm.VIEW_SENSITIVE_STAFF_NOTES))
def member_notes(request: MemberRequest, pk: int) -> HttpResponse:
    membership = access.get_object_or_404(
        request, Membership, Perm.VIEW_SENSITIVE_STAFF_NOTES, pk=pk
    )
    form = SupportNotesForm.editing(membership, request.POST)
    return _member_form(
        request,
        membership,
        form,
        lambda data: actions.update_support_notes(
            actor=request.user,
            membership=membership,
            notes=data["support_notes"],
            version=data.get("version"),
        ),
        message=_("Support notes saved."),
        title=_("Support notes"),
    )


@decide(requires(Perm.MANAGE_MEMBERS))
def member_deactivate(request: MemberRequest, pk: int) -> HttpResponse:
    membership = access.get_object_or_404(request, Membership, Perm.MANAGE_MEMBERS, pk=pk)
    if request.method == "POST":
        try:
            if membership.is_active:
                actions.deactivate_member(actor=request.user, membership=membership)
                messages.success(
                    request,
                    _("%(name)s was deactivated and signed out everywhere.")
                    % {"name": membership.user},
                )
            else:
                actions.reactivate_member(actor=request.user, membership=membership)
                messages.success(
                    request, _("%(name)s was reactivated.") % {"name": membership.user}
                )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request,
                _("That change was not made: %(reason)s")
                % {
                    "reason": " ".join(getattr(exc, "messages", []))
                    or _("you cannot deactivate yourself.")
                },
            )
        return redirect("member_detail", pk=membership.pk)
    return render(request, "core/manage/member_deactivate.html", {"member": membership})


# ---------------------------------------------------------------- invitations


@decide(requires(Perm.MANAGE_MEMBERS))
def invite(request: MemberRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, teams=Team.objects.all())
    return form_page(
        request,
        form,
        lambda data: actions.invite_member(
            actor=request.user,
            organisation=request.organisation,
            language=request.LANGUAGE_CODE,
            **data,
        ),
        redirect_to=reverse("member_list"),
        message=lambda made: _("Invitation sent to %(email)s.") % {"email": made[0].email},
        template="core/manage/invite.html",
        context={"form": form},
    )


@decide(requires(Perm.MANAGE_MEMBERS))
@require_POST
def invitation_revoke(request: MemberRequest, pk: int) -> HttpResponse:
    invitation = access.get_object_or_404(request, Invitation, Perm.MANAGE_MEMBERS, pk=pk)
    try:
        actions.revoke_invitation(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("member_list")


@decide(PUBLIC)
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = queries.find_invitation(token)
    problem = queries.invitation_problem(invitation)
    if problem or invitation is None:
        return render(
            request,
            "core/invitation_problem.html",
            {"problem": problem},
            status=410 if invitation else 404,
        )
    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptInvitationForm(request.POST or None, email=invitation.email)
    welcome = _("Welcome to %(name)s. Now set up two-step sign-in.") % {
        "name": invitation.organisation.name
    }

    def join(data: dict[str, Any]) -> Membership:
        """Create the account the invitation is addressed to, and sign it in."""
        membership = actions.accept_invitation(
            token=token, full_name=data["full_name"], password=data["password1"]
        )
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        # They have just chosen their password: that counts as a fresh authentication, so
        # setting up two-step sign-in does not ask for it again.
        record_authentication(
            request,
            membership.user,
            method="password",
            email=membership.user.email,
            reauthenticated=True,
        )
        return membership

    if request.method == "POST" and form is not None:
        done = handle_post(
            request, form, join, redirect_to=reverse("mfa_activate_totp"), message=welcome
        )
        if done:
            return done
    elif request.method == "POST":
        try:
            actions.accept_invitation(token=token, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, welcome)
            return redirect("mfa_activate_totp")
    return render(
        request,
        "core/accept_invitation.html",
        {"invitation": invitation, "form": form, "signed_in": signed_in},
    )


# ---------------------------------------------------------------- teams


@decide(requires(Perm.VIEW_MEMBERS))
def team_list(request: MemberRequest) -> HttpResponse:
    teams = (
        Team.objects.for_user(request.user, Perm.VIEW_MEMBERS)
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")
    )
    return render(request, "core/manage/team_list.html", {"teams": list(teams)})


def _team_form(
    request: MemberRequest,
    team: Team | None,
    form: TeamForm,
    act: Callable[[dict[str, Any]], Any],
    *,
    message: str,
) -> HttpResponse:
    """The form that creates a team (`team` None) or edits one, back to the list when done."""
    return form_page(
        request,
        form,
        act,
        redirect_to=reverse("team_list"),
        message=message,
        template="core/manage/team_form.html",
        context={"form": form, "team": team},
    )


@decide(requires(Perm.MANAGE_TEAMS))
def team_create(request: MemberRequest) -> HttpResponse:
    return _team_form(
        request,
        None,
        TeamForm(request.POST or None),
        lambda data: actions.create_team(
            actor=request.user,
            organisation=request.organisation,
            name=data["name"],
            description=data["description"],
        ),
        message=_("Team created."),
    )


@decide(requires(Perm.MANAGE_TEAMS))
def team_edit(request: MemberRequest, pk: int) -> HttpResponse:
    team = access.get_object_or_404(request, Team, Perm.MANAGE_TEAMS, pk=pk)
    return _team_form(
        request,
        team,
        TeamForm.editing(team, request.POST),
        lambda data: actions.update_team(actor=request.user, team=team, **data),
        message=_("Team saved."),
    )


@decide(requires(Perm.MANAGE_TEAMS))
def team_delete(request: MemberRequest, pk: int) -> HttpResponse:
    team = access.get_object_or_404(request, Team, Perm.MANAGE_TEAMS, pk=pk)
    if request.method == "POST":
        actions.delete_team(actor=request.user, team=team)
        messages.success(request, _("Team deleted."))
        return redirect("team_list")
    return render(request, "core/manage/team_delete.html", {"team": team})


# ---------------------------------------------------------------- audit


@decide(requires(Perm.VIEW_AUDIT))
def record_history(request: MemberRequest, object_type: str, pk: int) -> HttpResponse:
    """Who viewed or changed this record (managers and administrators)."""
    model = audit.auditable_model(object_type)
    if model is None:
        raise Http404
    obj = access.get_object_or_404(request, model, Perm.VIEW_AUDIT, pk=pk)
    events = list(
        AuditEvent.objects.filter(
            organisation=request.organisation, object_type=object_type, object_id=str(obj.pk)
        ).order_by("-created_at")[:200]
    )
    for event in events:
        # A display label for the template, not a field of the model.
        event.label = audit.label(event.action)  # type: ignore[attr-defined]
    views = list(
        AccessLog.objects.filter(
            organisation=request.organisation, object_type=object_type, object_id=str(obj.pk)
        )
        .select_related("user")
        .order_by("-created_at")[:200]
    )
    return render(
        request,
        "core/manage/record_history.html",
        {"obj": obj, "object_type": object_type, "events": events, "views": views},
    )
