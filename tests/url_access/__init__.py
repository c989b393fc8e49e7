"""The URL x role test's expectations, contributed app by app.

Each module in APPS states, for its own URLs, which roles may use them (EXPECTED), builds one
organisation's objects (`objects`), the URLs that name them (`urls`) and any POST data (`POSTS`).
A URL that no module states an expectation for fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass

from mend.core.roles import Role

EVERY_ROLE = frozenset(Role)


@dataclass(frozen=True)
class Expect:
    """Who may use a URL: `roles` (None: anyone, signed in or not) and the status they get."""

    roles: frozenset | None
    ok: int = 200
    method: str = "get"
    # The object in the URL belongs to one organisation: another organisation's gives 404.
    org_object: bool = False


def apps():
    """Every module in this package: each app (or area) contributes its own file."""
    import importlib
    import pkgutil

    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    ]
