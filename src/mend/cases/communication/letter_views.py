"""Letters between parties: written with restorative questions, screened, opted into by the
recipient, delivered or held on file, read, printed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.communication import documents, forms, queries
from mend.cases.communication.views import TEMPLATES, page, screening_page, tab_form_page
from mend.cases.web import CaseRequest
from mend.core import access, audit
from mend.core.access import decide, requires
from mend.core.roles import Perm
from mend.core.submissions import form_page
from mend.core.web import current_language


def _letter_url(letter: m.Letter) -> str:
    return reverse("letter_detail", args=[letter.pk])


def _letter(request: CaseRequest, pk: int, perm: str = Perm.WORK_CASES) -> m.Letter:
    """The letter with its case and both parties' people, for someone with `perm` on the case."""
    return access.get_object_or_404(request, queries.letters_with_people(), perm, pk=pk)


def _letter_page(
    request: CaseRequest,
    letter: m.Letter,
    form,
    act,
    template: str,
    heading: str,
    *,
    message,
    refusal: str | None = None,
    **extra,
) -> HttpResponse:
    """A form page about one letter (see `tab_form_page`); back to the letter once done."""
    return tab_form_page(
        request,
        form,
        act,
        template,
        page(letter.case, form=form, letter=letter, heading=heading, **extra),
        redirect_to=_letter_url(letter),
        message=message,
        refusal=refusal,
    )


def _letter_form(request: CaseRequest, writer: m.Party, initial) -> forms.LetterForm:
    """The letter form for `writer`'s questions: the POST, or a blank form with `initial()`."""
    questions = queries.letter_questions(writer)
    language = current_language()
    if request.method == "POST":
        return forms.LetterForm(request.POST, questions=questions, language=language)
    return forms.LetterForm(questions=questions, language=language, initial=initial())


@decide(requires(Perm.WORK_CASES))
def letter_new(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(
        request, m.Case.objects.select_related("case_type"), Perm.WORK_CASES, pk=pk
    )
    parties = queries.parties(case)
    chosen = "writer" in request.GET or "recipient" in request.GET
    who = forms.LetterPartiesForm(request.GET if chosen else None, parties=parties)
    if not (chosen and who.is_valid()):
        return render(
            request,
            TEMPLATES + "letter_parties.html",
            page(case, form=who, heading=_("Start a letter")),
        )
    writer, recipient = who.cleaned_data["writer"], who.cleaned_data["recipient"]
    form = _letter_form(
        request, writer, lambda: {"language": queries.default_letter_language(recipient)}
    )
    return form_page(
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
        TEMPLATES + "letter_form.html",
        page(
            case,
            form=form,
            writer=writer,
            recipient=recipient,
            query=request.GET.urlencode(),
            heading=_("Write the letter"),
        ),
        redirect_to=_letter_url,
        message=_("Letter saved as a draft. It must be screened next."),
    )


@decide(requires(Perm.WORK_CASES))
def letter_edit(request: CaseRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    if letter.status != c.LetterStatus.DRAFT:
        messages.info(request, _("Only a draft letter can be changed."))
        return redirect("letter_detail", letter.pk)
    form = _letter_form(
        request,
        letter.writer,
        lambda: {
            "body": letter.body,
            "language": letter.language,
            "version": letter.version,
            **{f"answer_{key}": text for key, text in (letter.answers or {}).items()},
        },
    )
    return _letter_page(
        request,
        letter,
        form,
        lambda data: actions.update_letter(
            actor=request.user,
            letter=letter,
            answers=form.answers(),
            body=data["body"],
            language=data["language"],
            version=data.get("version"),
        ),
        "letter_form.html",
        _("Change the draft letter"),
        message=_("Letter saved."),
        writer=letter.writer,
        recipient=letter.recipient,
    )


@decide(requires(Perm.VIEW_CASES))
def letter_detail(request: CaseRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk, Perm.VIEW_CASES)
    case = letter.case
    questions = queries.letter_questions(letter.writer)
    language = current_language()
    answers = [
        (q.get(language) or q.get("en", q["key"]), (letter.answers or {}).get(q["key"], ""))
        for q in questions
    ]
    can_work = access.can(request.user, Perm.WORK_CASES, case)
    audit.log_access(request.user, letter, case.organisation)
    return render(
        request,
        TEMPLATES + "letter_detail.html",
        page(
            case,
            letter=letter,
            answers=answers,
            can_work=can_work,
            writer_status=queries.status_for_writer_display(letter),
            heading=_("Letter"),
            can_print=letter.status not in (c.LetterStatus.DRAFT, c.LetterStatus.WITHDRAWN),
        ),
    )


@decide(requires(Perm.WORK_CASES))
def letter_screen(request: CaseRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    if letter.status != c.LetterStatus.DRAFT:
        messages.info(request, _("This letter has already been screened."))
        return redirect("letter_detail", letter.pk)
    form = forms.ScreenLetterForm(
        request.POST if request.method == "POST" else None, initial={"version": letter.version}
    )

    return screening_page(
        request,
        form,
        {
            "screened": (
                lambda data: actions.screen_letter(
                    actor=request.user,
                    letter=letter,
                    no_contact_details=data["no_contact_details"],
                    no_blame_shifting=data["no_blame_shifting"],
                    safe_to_send=data["safe_to_send"],
                    version=data.get("version"),
                ),
                _("Letter screened."),
            ),
            "return": (
                lambda data: actions.return_letter_to_draft(
                    actor=request.user,
                    letter=letter,
                    note=data["note"],
                    version=data.get("version"),
                ),
                _("Letter sent back to draft."),
            ),
        },
        "letter_screen.html",
        page(letter.case, form=form, letter=letter, heading=_("Screen the letter")),
        writer=letter.writer,
        redirect_to=_letter_url(letter),
    )


@decide(requires(Perm.WORK_CASES))
def letter_opt_in(request: CaseRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    initial: dict[str, Any] = {"version": letter.version}
    if letter.recipient_opted_in_on:
        initial["opted_in_on"] = letter.recipient_opted_in_on
        initial["writer_may_know_read"] = letter.writer_may_know_read
    form = forms.OptInForm(request.POST if request.method == "POST" else None, initial=initial)
    return _letter_page(
        request,
        letter,
        form,
        lambda data: actions.record_letter_opt_in(actor=request.user, letter=letter, **data),
        "letter_opt_in.html",
        _("Do they want the letter?"),
        message=_("Their choice is recorded."),
    )


@decide(requires(Perm.WORK_CASES))
def letter_deliver(request: CaseRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    form = forms.DeliverLetterForm(
        request.POST if request.method == "POST" else None, initial={"version": letter.version}
    )
    return _letter_page(
        request,
        letter,
        form,
        lambda data: actions.deliver_letter(
            actor=request.user,
            letter=letter,
            route=data["route"],
            route_agency=data["route_agency"],
            on=data["delivered_on"],
            version=data.get("version"),
        ),
        "letter_deliver.html",
        _("Deliver the letter"),
        message=lambda delivered: (
            _("The letter is held on file until they want it.")
            if delivered.route == c.DeliveryRoute.HOLD
            else _("Delivery recorded.")
        ),
        blockers=queries.delivery_blockers(letter, c.DeliveryRoute.DIRECT),
    )


@decide(requires(Perm.WORK_CASES))
def letter_read(request: CaseRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    form = forms.ReadForm(
        request.POST if request.method == "POST" else None,
        initial={
            "version": letter.version,
            "writer_may_know_read": letter.writer_may_know_read,
        },
    )
    return _letter_page(
        request,
        letter,
        form,
        lambda data: actions.record_letter_read(actor=request.user, letter=letter, **data),
        "letter_read.html",
        _("Record that the letter was read"),
        message=_("Recorded as read."),
        refusal=queries.cannot_record_read(letter),
    )


@decide(requires(Perm.WORK_CASES))
def letter_pdf(request: CaseRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    if letter.status in (c.LetterStatus.DRAFT, c.LetterStatus.WITHDRAWN):
        messages.error(request, _("A letter can be printed only once it has been screened."))
        return redirect("letter_detail", letter.pk)
    pdf = documents.letter_pdf(letter)
    audit.log_access(request.user, letter, letter.organisation, kind="export")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.letter_filename(letter)}"'
    response["Cache-Control"] = "no-store"
    return response
