"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

One Playwright and one browser per test process (so each xdist worker has its own), a fresh
browser context per test, and helpers to sign in without the form, switch language, collect
Content Security Policy reports from the console, take screenshots and run axe.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class CspWatch:
    """Console errors that report Content Security Policy violations on a page."""

    def __init__(self):
        self.reports: list[str] = []

    def __call__(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.reports.append(message.text)


@pytest.fixture
def csp_reports() -> CspWatch:
    return CspWatch()


@pytest.fixture
def context(browser, live_server, csp_reports):
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    context.on("console", csp_reports)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def sign_in_as(context, live_server):
    """Give the browser a signed-in session made on the server (no sign-in form, no MFA form).

    `recently_authenticated` also records a fresh password re-authentication, which allauth
    asks for before pages such as setting up an authenticator app.
    """
    from django.conf import settings
    from django.test import Client

    from mend.core.tests_support import sign_in

    def do(user, organisation=None, *, recently_authenticated=False):
        client = Client()
        sign_in(client, user, organisation)
        if recently_authenticated:
            session = client.session
            session["account_authentication_methods"] = [
                {"method": "password", "at": time.time(), "reauthenticated": True}
            ]
            session["account_authentication_methods_user"] = str(user.pk)
            session.save()
        host = urlsplit(live_server.url).hostname
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "domain": host,
                    "path": "/",
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    return do


@pytest.fixture
def use_welsh(context, live_server):
    """Choose Welsh the way the language switcher does, through Django's language cookie."""
    from django.conf import settings

    def do():
        context.add_cookies(
            [
                {
                    "name": settings.LANGUAGE_COOKIE_NAME,
                    "value": "cy",
                    "domain": urlsplit(live_server.url).hostname,
                    "path": "/",
                    "sameSite": "Lax",
                }
            ]
        )

    return do


@pytest.fixture
def organisation(transactional_db):
    """The organisation the browser tests sign in to (a test file may define its own)."""
    from mend.core.tests_support import make_organisation

    return make_organisation("Cwm Restorative Approaches", "cwm")
