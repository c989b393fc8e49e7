"""The public pages of e-learning, under /learn/<organisation slug>/: the catalogue of modules
and the sign-up form (no sign-in needed)."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mend.core.access import PUBLIC, decide
from mend.core.models import Organisation
from mend.core.submissions import form_page
from mend.core.web import keyset_page
from mend.training.elearning.enrolment import sign_up_learner
from mend.training.elearning.forms import JoinForm
from mend.training.learn import queries
from mend.training.learn.views import in_organisation, learn_path, page_context

# The sign-up signs the new learner in with the password they just chose (see settings).
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@decide(PUBLIC)
@in_organisation
def catalogue(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    modules = queries.catalogue_modules(request.user, organisation)
    page = keyset_page(request, modules, ("title", "pk"))
    queries.mark_enrolled(request.user, page.rows)
    return render(
        request, "training/learn/catalogue.html", page_context(request, organisation, page=page)
    )


@decide(PUBLIC)
@in_organisation
def join(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    catalogue_url = learn_path("training_learn_catalogue", organisation)
    if request.user.is_authenticated:
        if request.method == "POST":
            return redirect(catalogue_url)
        return render(request, "training/learn/join.html", page_context(request, organisation))
    form = JoinForm(request.POST or None, initial={"language": translation.get_language() or "en"})

    def sign_up(data: dict) -> object:
        user = sign_up_learner(
            organisation=organisation,
            full_name=data["full_name"],
            email=data["email"],
            password=data["password1"],
            language=data["language"],
        )
        login(request, user, backend=SIGN_IN_BACKEND)
        return user

    return form_page(
        request,
        form,
        sign_up,
        redirect_to=catalogue_url,
        message=_("Your account is ready. Choose a module to start."),
        template="training/learn/join.html",
        context=lambda: page_context(
            request,
            organisation,
            form=form,
            sign_in_url=f"{reverse('account_login')}?next={catalogue_url}",
        ),
    )
