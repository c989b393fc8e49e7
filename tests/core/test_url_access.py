"""Every URL of Mend, requested by everyone who might request it.

The walker reads the project's URL configuration, so a newly added URL is checked without anyone
remembering to add it here; but its expected answer per role must be written down in EXPECTED
below, so that a change of policy is made deliberately in two places (core.roles and this table).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mend.core import access
from mend.core.roles import Role
from mend.core.tests_support import make_member, make_organisation, sign_in
from tests.url_access import Expect, apps

EXPECTED: dict[str, Expect] = {}
for _app in apps():
    overlap = set(EXPECTED) & set(_app.EXPECTED)
    assert not overlap, f"{_app.__name__} repeats expectations for {sorted(overlap)}"
    EXPECTED.update(_app.EXPECTED)

# Values for the keyword arguments of library URLs (allauth) that need one.
DUMMY_KWARGS = {"pk": 999999, "key": "not-a-real-key", "uidb36": "zz", "token": "not-a-token"}
# A library page may refuse, redirect or not find; it must never fail.
LIBRARY_STATUSES = {200, 302, 400, 403, 404, 405}


# ---------------------------------------------------------------- walking the URL configuration


@dataclass(frozen=True)
class Url:
    route: str
    name: str | None
    callback: object
    kwargs: tuple[str, ...]

    @property
    def is_library(self) -> bool:
        return getattr(self.callback, "__module__", "").startswith("allauth.")


def walk(patterns, prefix: str = "", kwargs: tuple[str, ...] = ()):
    """Every URL pattern, with its whole route and the keyword arguments of all its parts."""
    for pattern in patterns:
        own = kwargs + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), own)
        elif isinstance(pattern, URLPattern):
            yield Url(
                route=prefix + str(pattern.pattern),
                name=pattern.name,
                callback=pattern.callback,
                kwargs=own,
            )


ALL_URLS = list(walk(get_resolver().url_patterns))
PROJECT_URLS = [u for u in ALL_URLS if not u.is_library]
LIBRARY_URLS = [u for u in ALL_URLS if u.is_library]


def test_the_walker_sees_the_project_allauth_and_manage_urls():
    names = {u.name for u in ALL_URLS}
    assert {"home", "account_login", "mfa_activate_totp", "member_list", "record_history"} <= names


@pytest.mark.parametrize("url", ALL_URLS, ids=lambda u: u.name or u.route)
def test_every_url_has_an_access_decision(url):
    decision = access.decision_for(url.callback, url.name)
    assert decision is not None, f"URL {url.route!r} ({url.name}) has no access decision"


@pytest.mark.parametrize("url", PROJECT_URLS, ids=lambda u: u.name or u.route)
def test_every_project_url_has_an_expectation(url):
    assert url.name in EXPECTED, (
        f"URL {url.route!r} ({url.name}) has no expectation: add it to the EXPECTED table "
        "of its app in tests/url_access/, stating which roles may use it."
    )


def test_the_expectation_table_names_only_urls_that_exist():
    stale = set(EXPECTED) - {u.name for u in PROJECT_URLS}
    assert not stale, f"EXPECTED names URLs that no longer exist: {sorted(stale)}"


def test_the_table_agrees_with_the_public_decisions():
    """A URL that the code calls public must be expected to be public here, and the reverse."""
    for url in PROJECT_URLS:
        decision = access.decision_for(url.callback, url.name)
        expect = EXPECTED.get(url.name)
        if expect is not None:
            assert (decision == access.PUBLIC) == (expect.roles is None), url.name


# ---------------------------------------------------------------- requesting every URL


@dataclass
class World:
    """One organisation's objects and another's, and a URL for each (name -> {which: url})."""

    org: object
    other_org: object
    urls: dict[str, dict[str, str]]
    posts: dict[str, dict]


def _build_world() -> World:
    org = make_organisation("Home Restorative Service", "home")
    other_org = make_organisation("Elsewhere Mediation", "elsewhere")
    home_admin = make_member(org, Role.ADMINISTRATOR, email="owner.home@example.test").user
    other_admin = make_member(other_org, Role.ADMINISTRATOR, email="owner.else@example.test").user
    objects = {
        "own": {app.__name__: app.objects(org, home_admin, "home") for app in apps()},
        "other": {app.__name__: app.objects(other_org, other_admin, "elsewhere") for app in apps()},
    }
    urls: dict[str, dict[str, str]] = {}
    posts: dict[str, dict] = {"switch_organisation": {"organisation": org.pk}}
    for app in apps():

        def for_each(fn, app_name=app.__name__):
            return {which: fn(objs[app_name]) for which, objs in objects.items()}

        urls.update(app.urls(for_each))
        posts.update(getattr(app, "POSTS", {}))
    for url in PROJECT_URLS:
        if url.name not in urls and not url.kwargs:
            urls[url.name] = {"own": reverse(url.name)}
    return World(org=org, other_org=other_org, urls=urls, posts=posts)


def _request(client: Client, expect: Expect, name: str, url: str, world: World):
    if expect.method == "post":
        return client.post(url, world.posts.get(name, {}))
    return client.get(url)


def _expected_status(expect: Expect, role: str | None, which: str) -> int | str:
    if expect.roles is None:
        return expect.ok
    if role is None:
        return "login"
    if role not in expect.roles:
        # A page about one record answers 404 to a role that may not use it (403 would confirm
        # that the record exists); other pages answer 403.
        return 404 if expect.org_object else 403
    if which == "other" and expect.org_object:
        return 404
    return expect.ok


ROLE_IDS = [None, *Role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_IDS, ids=lambda r: r.value if r else "anonymous")
def test_each_project_url_answers_each_role_as_the_policy_says(role):
    world = _build_world()
    member = None
    if role is not None:
        member = make_member(world.org, role, email=f"visitor.{role.value}@example.test")
    # One browser for the whole walk: a page that signed the visitor out would show up as a
    # wrong status on the pages after it.
    client = Client()
    if member is not None:
        sign_in(client, member.user, world.org)
    failures = []
    for name, by_object in sorted(world.urls.items()):
        expect = EXPECTED.get(name)
        if expect is None:
            failures.append(f"URL {name!r} is missing from EXPECTED: state which roles may use it")
            continue
        for which, url in by_object.items():
            response = _request(client, expect, name, url, world)
            wanted = _expected_status(expect, role, which)
            who = role.value if role else "anonymous"
            if wanted == "login":
                login = reverse("account_login")
                if response.status_code != 302 or not response["Location"].startswith(login):
                    failures.append(
                        f"{name} ({which} object) as {who}: wanted a redirect to sign in, got "
                        f"{response.status_code} {response.get('Location', '')}"
                    )
            elif response.status_code != wanted:
                failures.append(
                    f"{name} ({which} object) as {who}: wanted {wanted}, got {response.status_code}"
                )
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_IDS, ids=lambda r: r.value if r else "anonymous")
def test_another_organisations_record_looks_the_same_as_one_that_does_not_exist(role):
    """Nobody can tell another organisation's record from a missing one, whatever their role."""
    world = _build_world()
    member = None
    if role is not None:
        member = make_member(world.org, role, email=f"visitor.{role.value}@example.test")
    # One browser for the whole walk: a page that signed the visitor out would show up as a
    # wrong status on the pages after it.
    client = Client()
    if member is not None:
        sign_in(client, member.user, world.org)
    failures = []
    for name, by_object in sorted(world.urls.items()):
        expect = EXPECTED.get(name)
        if expect is None or not expect.org_object:
            continue
        missing = by_object["other"]
        # Swap the other organisation's id for one that exists nowhere.
        for real in sorted({p for p in missing.split("/") if p.isdigit()}, key=len, reverse=True):
            missing = missing.replace(f"/{real}/", "/99999999/")
        statuses = []
        for url in (by_object["other"], missing):
            statuses.append(_request(client, expect, name, url, world).status_code)
        if statuses[0] != statuses[1]:
            failures.append(f"{name}: other organisation's {statuses[0]}, missing {statuses[1]}")
        if role is not None and statuses[0] != 404:
            failures.append(f"{name}: another organisation's record gave {statuses[0]}, not 404")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_IDS, ids=lambda r: r.value if r else "anonymous")
def test_library_pages_never_fail_for_anyone(role):
    org = make_organisation("Home Restorative Service", "home")
    member = None
    if role is not None:
        member = make_member(org, role, email=f"visitor.{role.value}@example.test")
    failures = []
    for url in LIBRARY_URLS:
        unknown = set(url.kwargs) - set(DUMMY_KWARGS)
        assert not unknown, f"{url.name} needs a dummy value for {sorted(unknown)}"
        path = reverse(url.name, kwargs={k: DUMMY_KWARGS[k] for k in url.kwargs})
        client = Client(raise_request_exception=False)
        if member is not None:
            sign_in(client, member.user, org)
        response = client.get(path)
        if response.status_code not in LIBRARY_STATUSES:
            failures.append(f"{url.name} ({path}): {response.status_code}")
    assert not failures, "\n".join(failures)
