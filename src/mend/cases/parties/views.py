"""People and parties: the People tab, adding a party, a party's own page, consent."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mend.cases import actions, tabs
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.parties import queries
from mend.cases.parties.forms import (
    CONTACT_METHOD_LABELS,
    NEW_PERSON,
    AddPartyDetailsForm,
    ChoosePersonForm,
    EditPartyForm,
    ExistingPersonPartyForm,
    FindPersonForm,
    GiveConsentForm,
    SupportsForm,
    WithdrawConsentForm,
)
from mend.cases.web import CaseRequest
from mend.cases.workflow import PRINCIPAL_ROLES, party_label
from mend.core import access, audit
from mend.core.access import decide, requires
from mend.core.roles import Perm
from mend.core.submissions import already_done, form_page, handle_post

INFORM_TASK = "inform_withdrawal"


def _may_work(request: CaseRequest, case: m.Case) -> bool:
    return access.can(request.user, Perm.WORK_CASES, case)


def _language(person) -> str:
    if person.preferred_language == "other" and person.other_language:
        label = person.other_language
    else:
        label = str(person.get_preferred_language_display())
    if person.needs_interpreter:
        return _("%(language)s (needs an interpreter)") % {"language": label}
    return label


def _people_tab(case: m.Case, **context: object) -> dict:
    """A page of the case's People tab: the case's tabs, the tab's title, and the page's own
    `context`."""
    return {**tabs.tab_context(case, "case_parties"), "page_title": _("People"), **context}


# ---------------------------------------------------------------- the People tab


@decide(requires(Perm.VIEW_CASES))
def case_parties(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, queries.cases(), Perm.VIEW_CASES, pk=pk)
    parties = list(
        m.Party.objects.filter(case=case)
        .select_related("person", "supports__person")
        .prefetch_related(queries.consents_prefetch())
        .order_by("id")
    )
    groups = []
    for role in c.PartyRole:
        members = [
            {
                "party": p,
                "language": _language(p.person),
                "consents": queries.consent_rows(p),
            }
            for p in parties
            if p.role == role
        ]
        if members:
            groups.append({"role": role, "label": role.label, "rows": members})
    withdrawals = [
        {"party": p, "consent": k}
        for p in parties
        for k in p.consents.all()
        if k.withdrawn_on is not None and k.scope == c.ConsentScope.TAKE_PART
    ]
    inform_tasks = list(
        m.Task.objects.filter(case=case, kind=INFORM_TASK, done_on=None)
        .select_related("party__person", "assignee__user")
        .order_by("due_on", "id")
    )
    return render(
        request,
        "cases/parties/case_parties.html",
        _people_tab(
            case,
            groups=groups,
            withdrawals=withdrawals,
            inform_tasks=inform_tasks,
            may_work=_may_work(request, case),
        ),
    )


# ---------------------------------------------------------------- adding a party


def _render_add(request, case, template, context, status=200):
    return render(
        request,
        f"cases/parties/{template}",
        _people_tab(case, page_title=_("Add a person"), **context),
        status=status,
    )


@decide(requires(Perm.WORK_CASES))
def party_add(request: CaseRequest, pk: int) -> HttpResponse:
    """Find (name, date of birth, postcode, part), choose among likely duplicates, then details.

    Every step posts everything typed so far, so it works without JavaScript and nothing typed
    is lost. Likely duplicates are offered with the reasons; adding a new person is always open.
    """
    case = access.get_object_or_404(request, queries.cases(), Perm.WORK_CASES, pk=pk)
    if request.method != "POST":
        return _render_add(request, case, "add_find.html", {"find": FindPersonForm()})
    step = request.POST.get("step", "find")
    if step == "add":
        done = already_done(request, request.POST.get("submission_id"))
        if done:
            return redirect(done)
    if step == "change":
        initial = {k: request.POST.get(k, "") for k in FindPersonForm.base_fields}
        return _render_add(
            request, case, "add_find.html", {"find": FindPersonForm(initial=initial)}
        )
    find = FindPersonForm(request.POST)
    if not find.is_valid():
        return _render_add(request, case, "add_find.html", {"find": find})
    data = find.cleaned_data
    # Likely duplicates show people from other cases: only staff who take referrals see them,
    # never volunteers or external co-workers who may only see the cases they are allocated to.
    candidates = (
        actions.likely_duplicates(
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
        )
        if access.can(request.user, Perm.CREATE_CASES)
        else []
    )
    context = {"find": find, "candidates": candidates}
    person = None
    if candidates:
        if step == "find":
            choose = ChoosePersonForm(candidates=candidates)
            return _render_add(request, case, "add_choose.html", {**context, "choose": choose})
        choose = ChoosePersonForm(request.POST, candidates=candidates)
        if not choose.is_valid():
            return _render_add(request, case, "add_choose.html", {**context, "choose": choose})
        person = choose.chosen_person()
        context["choose"] = choose
    details_form = AddPartyDetailsForm if person is None else ExistingPersonPartyForm
    other_parties = list(m.Party.objects.filter(case=case).select_related("person"))
    context.update({"person": person, "match": str(person.pk) if person else NEW_PERSON})
    if step != "add":
        return _render_add(
            request,
            case,
            "add_details.html",
            {
                **context,
                "details": details_form(),
                "supports": SupportsForm(parties=other_parties, role=data["role"]),
            },
        )
    details = details_form(request.POST)
    supports = SupportsForm(request.POST, parties=other_parties, role=data["role"])
    context.update({"details": details, "supports": supports})
    already = [p for p in other_parties if person and p.person_id == person.pk]

    def add(cleaned: dict) -> m.Party:
        if already:
            raise ValidationError(
                _("%(person)s is already part of this case as %(role)s.")
                % {"person": person, "role": already[0].get_role_display().lower()}
            )
        fields = details.party_fields()
        if person is None:
            fields.update(cast(AddPartyDetailsForm, details).person_fields())
        return actions.add_party(
            actor=request.user,
            case=case,
            person=person,
            supports=supports.cleaned_data["supports"],
            **data,
            **fields,
        )

    if details.is_valid() and supports.is_valid():
        response = handle_post(
            request,
            details,
            add,
            redirect_to=lambda party: reverse("party_detail", args=[party.pk]),
            message=lambda party: (
                _("%(party)s was added to the case.") % {"party": party_label(party)}
            ),
        )
        if response:
            return response
    return _render_add(request, case, "add_details.html", context)


# ---------------------------------------------------------------- a party's own page


def _details_context(party: m.Party) -> dict:
    person = party.person
    prefs = party.contact_preferences or {}
    return {
        "party": party,
        "person": person,
        "contact": person.contact or {},
        "language": _language(person),
        "contact_methods": [str(CONTACT_METHOD_LABELS.get(k, k)) for k in prefs.get("methods", [])],
        "safe_times": prefs.get("safe_times", ""),
        "contact_notes": prefs.get("notes", ""),
    }


@decide(requires(Perm.VIEW_CASES))
def party_detail(request: CaseRequest, pk: int) -> HttpResponse:
    party = access.get_object_or_404(request, queries.party_pages(), Perm.VIEW_CASES, pk=pk)
    case = party.case
    # The page shows this party's contact and safety details: who looked is recorded.
    audit.log_access(request.user, party, request.organisation)
    return render(
        request,
        "cases/parties/party_detail.html",
        _people_tab(
            case,
            **_details_context(party),
            consents=list(party.consents.all()),
            consent_rows=queries.consent_rows(party),
            supporters=list(party.supporters.all()),
            may_work=_may_work(request, case),
        ),
    )


@decide(requires(Perm.WORK_CASES))
def party_edit(request: CaseRequest, pk: int) -> HttpResponse:
    party = access.get_object_or_404(request, queries.party_pages(), Perm.WORK_CASES, pk=pk)
    saved_now = None
    if request.method == "POST":
        form = EditPartyForm(request.POST)
        refused = []

        def act(data: dict) -> m.Party:
            try:
                return actions.update_party_details(
                    actor=request.user,
                    party=party,
                    party_version=data.get("party_version"),
                    person_version=data.get("person_version"),
                    party_fields=form.party_fields(),
                    person_fields=form.person_fields(),
                )
            except ValidationError:
                refused.append(True)
                raise

        response = handle_post(
            request,
            form,
            act,
            redirect_to=reverse("party_detail", args=[party.pk]),
            message=_("%(name)s's details were saved.") % {"name": party.person},
        )
        if response:
            return response
        if refused:
            data = form.cleaned_data
            fresh = access.get_object_or_404(request, queries.party_pages(), Perm.WORK_CASES, pk=pk)
            if (fresh.version, fresh.person.version) != (
                data.get("party_version"),
                data.get("person_version"),
            ):
                # Show what the other person saved; saving again is then a choice made
                # knowing it, with what this person typed still in the form.
                saved_now = _details_context(fresh)
                form.data = form.data.copy()  # type: ignore[attr-defined]  # a bound form's data is the POST QueryDict
                form.data["party_version"] = str(fresh.version)  # type: ignore[index]  # a QueryDict copy is mutable
                form.data["person_version"] = str(fresh.person.version)  # type: ignore[index]  # a QueryDict copy is mutable
    else:
        form = EditPartyForm(initial=EditPartyForm.initial_for(party))
        audit.log_access(request.user, party, request.organisation)
    return render(
        request,
        "cases/parties/party_edit.html",
        _people_tab(party.case, party=party, person=party.person, form=form, saved_now=saved_now),
    )


# ---------------------------------------------------------------- consent


@decide(requires(Perm.WORK_CASES))
def consent_give(request: CaseRequest, pk: int) -> HttpResponse:
    party = access.get_object_or_404(request, queries.party_pages(), Perm.WORK_CASES, pk=pk)
    form = GiveConsentForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form,
        lambda data: actions.give_consent(actor=request.user, party=party, **data),
        "cases/parties/consent_give.html",
        _people_tab(party.case, party=party, form=form),
        redirect_to=reverse("party_detail", args=[party.pk]),
        message=lambda _consent: (
            _("Consent recorded: %(scope)s.")
            % {"scope": c.ConsentScope(form.cleaned_data["scope"]).label.lower()}
        ),
    )


@decide(requires(Perm.WORK_CASES))
def consent_withdraw(request: CaseRequest, pk: int) -> HttpResponse:
    consent = access.get_object_or_404(request, queries.consent_pages(), Perm.WORK_CASES, pk=pk)
    party, case = consent.party, consent.party.case
    if consent.withdrawn_on is not None:
        messages.info(request, _("This consent has already been withdrawn."))
        return redirect("party_detail", pk=party.pk)
    stops_process = consent.scope == c.ConsentScope.TAKE_PART
    meetings, others = [], []
    if stops_process:
        meetings = list(queries.planned_meetings_with(case, party))
        others = [
            party_label(p)
            for p in m.Party.objects.filter(case=case, role__in=PRINCIPAL_ROLES)
            .exclude(pk=party.pk)
            .select_related("person")
        ]
    form = WithdrawConsentForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form,
        lambda data: actions.withdraw_consent(actor=request.user, consent=consent, **data),
        "cases/parties/consent_withdraw.html",
        _people_tab(
            case,
            consent=consent,
            party=party,
            form=form,
            stops_process=stops_process,
            meetings=meetings,
            others=others,
        ),
        redirect_to=reverse("case_parties", args=[case.pk]),
        message=lambda _consent: _withdrawn_message(consent, meetings, others),
    )


def _withdrawn_message(consent: m.Consent, meetings: list[m.Meeting], others: list[str]) -> str:
    said = [_("Consent withdrawn: %(scope)s.") % {"scope": consent.get_scope_display()}]
    if consent.scope == c.ConsentScope.TAKE_PART:
        said.append(
            ngettext(
                "%(count)d planned meeting was cancelled.",
                "%(count)d planned meetings were cancelled.",
                len(meetings),
            )
            % {"count": len(meetings)}
        )
        said.append(_("The case is paused."))
        if others:
            said.append(_("A task was created to tell the other side safely."))
    return " ".join(said)
