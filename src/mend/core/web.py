"""Small request and language helpers shared by every app's views."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
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


# ---------------------------------------------------------------- keyset pages


@dataclass
class KeysetPage:
    """One page of a list, found by where the last page ended (never by OFFSET, so a deep page
    costs what the first does): its rows and the links to the next page and back to the first
    (each keeping the list's filters)."""

    rows: list[Any]
    next_url: str = ""
    first_url: str = ""
    total: int | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_url or self.first_url)


def _cursor_fields(queryset: QuerySet[Any], order: Sequence[str]) -> list[tuple[str, bool, Any]]:
    """(name, descending, model field) of each ordering column; the last must be unique."""
    found = []
    for spelled in order:
        name = spelled.lstrip("-")
        try:
            meta = queryset.model._meta
            model_field = meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist as missing:
            raise ValueError(f"keyset pages order by model fields, not {name!r}") from missing
        found.append((name, spelled.startswith("-"), model_field))
    return found


def keyset_cursor(values: Sequence[Any]) -> str:
    """The `after=` value for a page that starts after a row with these ordering values."""
    text = json.dumps([str(v) if not isinstance(v, (int, bool)) else v for v in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _read_cursor(value: str, columns: list[tuple[str, bool, Any]]) -> list[Any] | None:
    try:
        raw = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        # keyset_cursor writes strings and whole numbers only; anything else was not ours.
        if (
            not isinstance(raw, list)
            or len(raw) != len(columns)
            or not all(isinstance(v, str) or (isinstance(v, int) and abs(v) < 2**63) for v in raw)
        ):
            return None
        return [
            model_field.to_python(v) for v, (_n, _d, model_field) in zip(raw, columns, strict=True)
        ]
    except (ValueError, TypeError, binascii.Error, ValidationError):
        return None


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    order: Sequence[str],
    *,
    param: str = "after",
    fetch: Any = None,
    count: bool = False,
) -> KeysetPage:
    """The page of `queryset` after `?after=` in `order` (model fields, none of them null, the
    last unique: usually ("-received_on", "-pk")), `settings.MEND_PAGE_SIZE` rows at a time.

    `fetch(queryset, count)` reads the rows when a list has its own way (the case list reads ids
    first); by default they are `queryset[:count]`. An unreadable `after=` gives the first page.
    With `count`, `page.total` is how many rows the whole list has (one COUNT query more: for
    lists an organisation keeps small, such as clients and courses, whose captions say it).
    """
    columns = _cursor_fields(queryset, order)
    total = queryset.order_by().count() if count else None
    after = _read_cursor(request.GET.get(param, ""), columns)
    if after is not None:
        keyset = Q(pk__in=[])
        for i, (name, descending, _field) in enumerate(columns):
            step = Q(**{f"{name}__{'lt' if descending else 'gt'}": after[i]})
            for j in range(i):
                step &= Q(**{columns[j][0]: after[j]})
            keyset |= step
        queryset = queryset.filter(keyset)
    size = settings.MEND_PAGE_SIZE
    ordered = queryset.order_by(*order)
    rows = list(fetch(ordered, size + 1) if fetch else ordered[: size + 1])
    page = KeysetPage(rows[:size], total=total)
    if len(rows) > size:
        query = request.GET.copy()
        query[param] = keyset_cursor([getattr(rows[size - 1], name) for name, _d, _f in columns])
        page.next_url = f"{request.path}?{query.urlencode()}"
    if after is not None:
        query = request.GET.copy()
        query.pop(param, None)
        page.first_url = f"{request.path}?{query.urlencode()}" if query else request.path
    return page
