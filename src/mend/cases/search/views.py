"""The search page behind the header's search box."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from mend.cases.search import queries
from mend.cases.web import CaseRequest
from mend.core.access import MEMBER, decide
from mend.core.roles import Perm, role_has


@decide(MEMBER)
def search(request: CaseRequest) -> HttpResponse:
    """People and cases this person may open (staff), or their own referrals (referrers)."""
    role = request.membership.role
    if role_has(role, Perm.VIEW_CASES):
        find, referrer = queries.for_staff, False
    elif role_has(role, Perm.REFER):
        find, referrer = queries.for_referrer, True
    else:
        raise PermissionDenied
    text = request.GET.get("q", "").strip()[: queries.MAX_QUERY]
    terms = queries.parse(text)
    found = find(request.user, terms) if terms else queries.Found([], [])
    return render(
        request,
        "cases/search/results.html",
        {
            "q": text,
            "terms": terms,
            "found": found,
            "referrer": referrer,
            "limit": queries.LIMIT,
            "unreadable": text and not terms,
        },
    )
