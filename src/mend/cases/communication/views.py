"""Communication between parties: the case's messages and letters tab, shuttle mediation, letters."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mend.cases import actions, tabs
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.access import can_on_case
from mend.cases.communication import documents, forms
from mend.core import access, audit
from mend.core.access import decide, requires
from mend.core.forms import add_action_errors
from mend.core.roles import Perm
from mend.core.submissions import handle_post
from mend.core.web import current_language

TEMPLATES = "cases/communication/"


def _refuse(form, refusal: str) -> None:
    """A submitted form for something that cannot be done now shows why (nothing is saved)."""
    if form.is_bound:
        form.is_valid()
        form.add_error(None, refusal)


def _parties(case: m.Case):
    return m.Party.objects.filter(case=case).select_related("person").order_by("role", "id")


def _message(request, pk: int) -> m.ShuttleMessage:
    return access.get_object_or_404(
        request,
        m.ShuttleMessage,
        Perm.WORK_CASES,
        pk=pk,
    )


def _letter(request, pk: int, perm: str = Perm.WORK_CASES) -> m.Letter:
    return access.get_object_or_404(request, m.Letter, perm, pk=pk)


def _with_people(obj):
    """Load the case and both parties' people for a message or letter (fixed queries)."""
    model = type(obj)
    first, second = (
        ("sender", "recipient") if model is m.ShuttleMessage else ("writer", "recipient")
    )
    return model.objects.select_related(
        "case__case_type", f"{first}__person", f"{second}__person"
    ).get(pk=obj.pk)


def _page(case: m.Case, **extra) -> dict:
    return {**tabs.tab_context(case, "case_communication"), **extra}


def _tab_url(case_or_pk) -> str:
    pk = getattr(case_or_pk, "pk", case_or_pk)
    return reverse("case_communication", args=[pk])


# ---------------------------------------------------------------- the tab


@decide(requires(Perm.VIEW_CASES))
def case_communication(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.VIEW_CASES, pk=pk)
    case = m.Case.objects.select_related("case_type").get(pk=case.pk)
    shuttle = list(
        m.ShuttleMessage.objects.filter(case=case)
        .select_related("sender__person", "recipient__person")
        .order_by("recorded_at", "id")
    )
    letters = list(
        m.Letter.objects.filter(case=case)
        .select_related("writer__person", "recipient__person")
        .order_by("id")
    )
    for letter in letters:
        letter.writer_status = actions.status_for_writer_display(letter)
    can_work = access.has_perm(request.user, Perm.WORK_CASES) and can_on_case(
        request.user, Perm.WORK_CASES, case
    )
    return render(
        request,
        TEMPLATES + "tab.html",
        _page(
            case,
            shuttle=shuttle,
            letters=letters,
            can_work=can_work,
            has_two_parties=m.Party.objects.filter(case=case).count() >= 2,
        ),
    )


# ---------------------------------------------------------------- shuttle mediation


@decide(requires(Perm.WORK_CASES))
def message_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    case = m.Case.objects.select_related("case_type").get(pk=case.pk)
    parties = _parties(case)
    if request.method == "POST":
        form = forms.MessageForm(request.POST, parties=parties)
        response = handle_post(
            request,
            form,
            lambda data: actions.record_shuttle_message(
                actor=request.user,
                case=case,
                sender=data["sender"],
                recipient=data["recipient"],
                text=data["text"],
            ),
            redirect_to=_tab_url(case),
            message=_("Message recorded. It waits for approval."),
        )
        if response:
            return response
    else:
        form = forms.MessageForm(parties=parties)
    return render(
        request,
        TEMPLATES + "message_form.html",
        _page(case, form=form, heading=_("Record a message")),
    )


@decide(requires(Perm.WORK_CASES))
def message_approve(request: HttpRequest, pk: int) -> HttpResponse:
    message = _with_people(_message(request, pk))
    case = message.case
    if message.status != c.MessageStatus.DRAFT:
        messages.info(request, _("This message has already been dealt with."))
        return redirect(_tab_url(case))
    if request.method == "POST":
        form = forms.ApproveMessageForm(request.POST)
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    actions.approve_message(actor=request.user, message=message)
                    messages.success(request, _("Message approved. Record when it is passed on."))
                else:
                    actions.withhold_message(
                        actor=request.user, message=message, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Message withheld. It will not be passed on."))
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect(_tab_url(case))
    else:
        form = forms.ApproveMessageForm()
    if message.sender.never_disclose:
        audit.log_access(request.user, message.sender, case.organisation)
    return render(
        request,
        TEMPLATES + "message_approve.html",
        _page(case, form=form, message=message, heading=_("Check a message")),
    )


@decide(requires(Perm.WORK_CASES))
def message_delivered(request: HttpRequest, pk: int) -> HttpResponse:
    message = _with_people(_message(request, pk))
    case = message.case
    form = forms.MessageDeliveredForm(request.POST if request.method == "POST" else None)
    refusal = None
    if message.status != c.MessageStatus.APPROVED:
        refusal = (
            _("Only an approved message can be passed on. Approve it first.")
            if message.status == c.MessageStatus.DRAFT
            else _("This message cannot be passed on.")
        )
        _refuse(form, refusal)
    elif form.is_bound and form.is_valid():
        try:
            actions.mark_message_delivered(
                actor=request.user, message=message, on=form.cleaned_data["delivered_on"]
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Delivery recorded."))
            return redirect(_tab_url(case))
    return render(
        request,
        TEMPLATES + "message_delivered.html",
        _page(
            case,
            form=form,
            message=message,
            refusal=refusal,
            heading=_("Record that a message was passed on"),
        ),
    )


# ---------------------------------------------------------------- letters


def _default_letter_language(recipient: m.Party) -> str:
    return "cy" if recipient.person.preferred_language == "cy" else "en"


@decide(requires(Perm.WORK_CASES))
def letter_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    case = m.Case.objects.select_related("case_type").get(pk=case.pk)
    parties = _parties(case)
    chosen = "writer" in request.GET or "recipient" in request.GET
    who = forms.LetterPartiesForm(request.GET if chosen else None, parties=parties)
    if not (chosen and who.is_valid()):
        return render(
            request,
            TEMPLATES + "letter_parties.html",
            _page(case, form=who, heading=_("Start a letter")),
        )
    writer, recipient = who.cleaned_data["writer"], who.cleaned_data["recipient"]
    questions = actions.letter_questions(writer)
    language = current_language()
    if request.method == "POST":
        form = forms.LetterForm(request.POST, questions=questions, language=language)
        response = handle_post(
            request,
            form,
            lambda data: actions.draft_letter(
                actor=request.user,
                case=case,
                writer=writer,
                recipient=recipient,
                answers=form.answers(),
                body=data["body"],
                language=data["language"],
            ),
            redirect_to=lambda letter: reverse("letter_detail", args=[letter.pk]),
            message=_("Letter saved as a draft. It must be screened next."),
        )
        if response:
            return response
    else:
        form = forms.LetterForm(
            questions=questions,
            language=language,
            initial={"language": _default_letter_language(recipient)},
        )
    return render(
        request,
        TEMPLATES + "letter_form.html",
        _page(
            case,
            form=form,
            writer=writer,
            recipient=recipient,
            query=request.GET.urlencode(),
            heading=_("Write the letter"),
        ),
    )


@decide(requires(Perm.WORK_CASES))
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _with_people(_letter(request, pk))
    case = letter.case
    if letter.status != c.LetterStatus.DRAFT:
        messages.info(request, _("Only a draft letter can be changed."))
        return redirect("letter_detail", letter.pk)
    questions = actions.letter_questions(letter.writer)
    language = current_language()
    if request.method == "POST":
        form = forms.LetterForm(request.POST, questions=questions, language=language)
        if form.is_valid():
            try:
                actions.update_letter(
                    actor=request.user,
                    letter=letter,
                    answers=form.answers(),
                    body=form.cleaned_data["body"],
                    language=form.cleaned_data["language"],
                    version=form.cleaned_data.get("version"),
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Letter saved."))
                return redirect("letter_detail", letter.pk)
    else:
        initial = {
            "body": letter.body,
            "language": letter.language,
            "version": letter.version,
        }
        for key, text in (letter.answers or {}).items():
            initial[f"answer_{key}"] = text
        form = forms.LetterForm(questions=questions, language=language, initial=initial)
    return render(
        request,
        TEMPLATES + "letter_form.html",
        _page(
            case,
            form=form,
            writer=letter.writer,
            recipient=letter.recipient,
            letter=letter,
            heading=_("Change the draft letter"),
        ),
    )


@decide(requires(Perm.VIEW_CASES))
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _with_people(_letter(request, pk, Perm.VIEW_CASES))
    case = letter.case
    questions = actions.letter_questions(letter.writer)
    language = current_language()
    answers = [
        (q.get(language) or q.get("en", q["key"]), (letter.answers or {}).get(q["key"], ""))
        for q in questions
    ]
    can_work = access.has_perm(request.user, Perm.WORK_CASES) and can_on_case(
        request.user, Perm.WORK_CASES, case
    )
    audit.log_access(request.user, letter, case.organisation)
    return render(
        request,
        TEMPLATES + "letter_detail.html",
        _page(
            case,
            letter=letter,
            answers=answers,
            can_work=can_work,
            writer_status=actions.status_for_writer_display(letter),
            heading=_("Letter"),
            can_print=letter.status not in (c.LetterStatus.DRAFT, c.LetterStatus.WITHDRAWN),
        ),
    )


@decide(requires(Perm.WORK_CASES))
def letter_screen(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _with_people(_letter(request, pk))
    case = letter.case
    if letter.status != c.LetterStatus.DRAFT:
        messages.info(request, _("This letter has already been screened."))
        return redirect("letter_detail", letter.pk)
    if request.method == "POST":
        form = forms.ScreenLetterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "screened":
                    actions.screen_letter(
                        actor=request.user,
                        letter=letter,
                        no_contact_details=data["no_contact_details"],
                        no_blame_shifting=data["no_blame_shifting"],
                        safe_to_send=data["safe_to_send"],
                        version=data.get("version"),
                    )
                    messages.success(request, _("Letter screened."))
                else:
                    actions.return_letter_to_draft(
                        actor=request.user,
                        letter=letter,
                        note=data["note"],
                        version=data.get("version"),
                    )
                    messages.success(request, _("Letter sent back to draft."))
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect("letter_detail", letter.pk)
    else:
        form = forms.ScreenLetterForm(initial={"version": letter.version})
    if letter.writer.never_disclose:
        audit.log_access(request.user, letter.writer, case.organisation)
    return render(
        request,
        TEMPLATES + "letter_screen.html",
        _page(case, form=form, letter=letter, heading=_("Screen the letter")),
    )


@decide(requires(Perm.WORK_CASES))
def letter_opt_in(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _with_people(_letter(request, pk))
    case = letter.case
    if request.method == "POST":
        form = forms.OptInForm(request.POST)
        if form.is_valid():
            try:
                actions.record_letter_opt_in(
                    actor=request.user,
                    letter=letter,
                    opted_in_on=form.cleaned_data["opted_in_on"],
                    writer_may_know_read=form.cleaned_data["writer_may_know_read"] == "yes",
                    version=form.cleaned_data.get("version"),
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Their choice is recorded."))
                return redirect("letter_detail", letter.pk)
    else:
        initial = {"version": letter.version}
        if letter.recipient_opted_in_on:
            initial["opted_in_on"] = letter.recipient_opted_in_on
            initial["writer_may_know_read"] = "yes" if letter.writer_may_know_read else "no"
        form = forms.OptInForm(initial=initial)
    return render(
        request,
        TEMPLATES + "letter_opt_in.html",
        _page(case, form=form, letter=letter, heading=_("Do they want the letter?")),
    )


@decide(requires(Perm.WORK_CASES))
def letter_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _with_people(_letter(request, pk))
    case = letter.case
    if request.method == "POST":
        form = forms.DeliverLetterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.deliver_letter(
                    actor=request.user,
                    letter=letter,
                    route=data["route"],
                    route_agency=data["route_agency"],
                    on=data["delivered_on"],
                    version=data.get("version"),
                )
            except actions.LetterRefused as exc:
                form.add_error(None, exc.reasons)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The letter is held on file until they want it.")
                    if data["route"] == c.DeliveryRoute.HOLD
                    else _("Delivery recorded."),
                )
                return redirect("letter_detail", letter.pk)
    else:
        form = forms.DeliverLetterForm(initial={"version": letter.version})
    return render(
        request,
        TEMPLATES + "letter_deliver.html",
        _page(
            case,
            form=form,
            letter=letter,
            heading=_("Deliver the letter"),
            blockers=actions.delivery_blockers(letter, c.DeliveryRoute.DIRECT),
        ),
    )


@decide(requires(Perm.WORK_CASES))
def letter_read(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _with_people(_letter(request, pk))
    case = letter.case
    form = forms.ReadForm(
        request.POST if request.method == "POST" else None,
        initial={
            "version": letter.version,
            "writer_may_know_read": "yes" if letter.writer_may_know_read else "no",
        },
    )
    refusal = None
    if letter.status != c.LetterStatus.DELIVERED:
        refusal = _("Only a delivered letter can be recorded as read.")
        _refuse(form, refusal)
    elif form.is_bound and form.is_valid():
        try:
            actions.record_letter_read(
                actor=request.user,
                letter=letter,
                read_on=form.cleaned_data["read_on"],
                writer_may_know_read=form.cleaned_data["writer_may_know_read"] == "yes",
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Recorded as read."))
            return redirect("letter_detail", letter.pk)
    return render(
        request,
        TEMPLATES + "letter_read.html",
        _page(
            case,
            form=form,
            letter=letter,
            refusal=refusal,
            heading=_("Record that the letter was read"),
        ),
    )


@decide(requires(Perm.WORK_CASES))
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _with_people(_letter(request, pk))
    if letter.status in (c.LetterStatus.DRAFT, c.LetterStatus.WITHDRAWN):
        messages.error(request, _("A letter can be printed only once it has been screened."))
        return redirect("letter_detail", letter.pk)
    pdf = documents.letter_pdf(letter)
    audit.log_access(request.user, letter, letter.organisation, kind="export")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.letter_filename(letter)}"'
    response["Cache-Control"] = "no-store"
    return response
