"""Small request and language helpers shared by every app's views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from mend.core.models import Membership, Organisation


class MendRequest(HttpRequest):
    """A request as Mend's middleware leaves it (a type for views to annotate with; never
    instantiated): its id, the person's current membership and organisation (None when they
    have none), and the language to switch to after sign-in."""

    id: str
    membership: Membership | None
    organisation: Organisation | None
    mend_language: str


class MemberRequest(MendRequest):
    """A request to a member page (`@decide(requires(...))`): the access policy lets it through
    only with an active membership, so the membership and organisation are always there."""

    membership: Membership
    organisation: Organisation


def safe_next(request: HttpRequest) -> str | None:
    """The POSTed `next` address if it stays on this site; otherwise None."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def current_language() -> str:
    """'cy' or 'en': which of our two languages the page is being drawn in."""
    return "cy" if (translation.get_language() or "").startswith("cy") else "en"


def paginate(
    request: HttpRequest, rows: QuerySet[Any] | list[Any], *, param: str = "page"
) -> Page[Any]:
    """The page of `rows` asked for by `?page=` (the last page if past the end), with
    `settings.MEND_PAGE_SIZE` rows. `rows` must be ordered."""
    return Paginator(rows, settings.MEND_PAGE_SIZE).get_page(request.GET.get(param))
