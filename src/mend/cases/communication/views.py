"""Communication between parties: the case's messages and letters tab and shuttle mediation.

The letter pages are in `communication/letter_views.py`; they share the helpers here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mend.cases import actions, tabs
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.communication import forms, queries
from mend.cases.web import CaseRequest
from mend.core import access, audit
from mend.core.access import decide, requires
from mend.core.roles import Perm
from mend.core.submissions import form_page

TEMPLATES = "cases/communication/"


def page(case: m.Case, **extra) -> dict:
    return {**tabs.tab_context(case, "case_communication"), **extra}


def tab_form_page(
    request: CaseRequest,
    form,
    act,
    template: str,
    context: dict,
    *,
    redirect_to: str,
    message,
    refusal: str | None = None,
) -> HttpResponse:
    """A form page on the communication tab (see `form_page`). With a `refusal` the thing cannot
    be done now: the page says why, and a submitted form shows it as its error (nothing is saved)."""
    if refusal is None:
        return form_page(
            request,
            form,
            act,
            TEMPLATES + template,
            context,
            redirect_to=redirect_to,
            message=message,
        )
    if form.is_bound:
        form.is_valid()
        form.add_error(None, refusal)
    return render(request, TEMPLATES + template, {**context, "refusal": refusal})


def screening_page(
    request: CaseRequest,
    form,
    decisions: dict[str, tuple[Callable[[dict], Any], str]],
    template: str,
    context: dict,
    *,
    writer: m.Party,
    redirect_to: str,
) -> HttpResponse:
    """A screening form (a message or a letter checked before it is passed on): `decisions` gives
    each choice of the form's `decision` its action (called with the form's data) and the
    message once it is done. Showing the page shows the screener what the writer must never have
    disclosed, so that look is logged."""

    def act(data: dict) -> str:
        decision = data["decision"]
        decisions[decision][0](data)
        return decision

    def shown() -> dict:
        if writer.never_disclose:
            audit.log_access(request.user, writer, context["case"].organisation)
        return context

    return form_page(
        request,
        form,
        act,
        TEMPLATES + template,
        shown,
        redirect_to=redirect_to,
        message=lambda decision: decisions[decision][1],
    )


def tab_url(case_or_pk) -> str:
    pk = getattr(case_or_pk, "pk", case_or_pk)
    return reverse("case_communication", args=[pk])


def _message(request: CaseRequest, pk: int) -> m.ShuttleMessage:
    """The message with its case and both parties' people, for someone who works on the case."""
    return access.get_object_or_404(request, queries.messages_with_people(), Perm.WORK_CASES, pk=pk)


# ---------------------------------------------------------------- the tab


@decide(requires(Perm.VIEW_CASES))
def case_communication(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(
        request, m.Case.objects.select_related("case_type"), Perm.VIEW_CASES, pk=pk
    )
    can_work = access.can(request.user, Perm.WORK_CASES, case)
    return render(
        request,
        TEMPLATES + "tab.html",
        page(
            case,
            shuttle=queries.shuttle_messages(case),
            letters=queries.letters(case),
            can_work=can_work,
            has_two_parties=m.Party.objects.filter(case=case).count() >= 2,
        ),
    )


# ---------------------------------------------------------------- shuttle mediation


@decide(requires(Perm.WORK_CASES))
def message_new(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(
        request, m.Case.objects.select_related("case_type"), Perm.WORK_CASES, pk=pk
    )
    form = forms.MessageForm(
        request.POST if request.method == "POST" else None, parties=queries.parties(case)
    )
    return tab_form_page(
        request,
        form,
        lambda data: actions.record_shuttle_message(actor=request.user, case=case, **data),
        "message_form.html",
        page(case, form=form, heading=_("Record a message")),
        redirect_to=tab_url(case),
        message=_("Message recorded. It waits for approval."),
    )


@decide(requires(Perm.WORK_CASES))
def message_approve(request: CaseRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    case = message.case
    if message.status != c.MessageStatus.DRAFT:
        messages.info(request, _("This message has already been dealt with."))
        return redirect(tab_url(case))
    form = forms.ApproveMessageForm(request.POST if request.method == "POST" else None)

    return screening_page(
        request,
        form,
        {
            "approve": (
                lambda data: actions.approve_message(actor=request.user, message=message),
                _("Message approved. Record when it is passed on."),
            ),
            "withhold": (
                lambda data: actions.withhold_message(
                    actor=request.user, message=message, reason=data["reason"]
                ),
                _("Message withheld. It will not be passed on."),
            ),
        },
        "message_approve.html",
        page(case, form=form, message=message, heading=_("Check a message")),
        writer=message.sender,
        redirect_to=tab_url(case),
    )


@decide(requires(Perm.WORK_CASES))
def message_delivered(request: CaseRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    form = forms.MessageDeliveredForm(request.POST if request.method == "POST" else None)
    return tab_form_page(
        request,
        form,
        lambda data: actions.mark_message_delivered(
            actor=request.user, message=message, on=data["delivered_on"]
        ),
        "message_delivered.html",
        page(
            message.case,
            form=form,
            message=message,
            heading=_("Record that a message was passed on"),
        ),
        redirect_to=tab_url(message.case),
        message=_("Delivery recorded."),
        refusal=queries.cannot_pass_on(message),
    )
