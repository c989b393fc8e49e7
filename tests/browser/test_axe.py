"""axe finds no accessibility violations on any page of the foundation, in English and in Welsh.

Pages are visited as the person who would see them (the public, an administrator, a new person
without two-step sign-in), each page is screenshotted into test-artifacts/screenshots/, and no
page may trigger a Content Security Policy report in the console.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def language_for(use_welsh):
    def choose(language: str) -> None:
        if language == "cy":
            use_welsh()

    return choose


def lock_out(email: str) -> None:
    """Record ten failed sign-ins for this account from the browser's address."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    AccessAttempt.objects.create(
        username=email,
        ip_address="127.0.0.1",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info=reverse("account_login"),
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, language, language_for
):
    from mend.core import actions
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member

    admin = make_member(organisation, Role.ADMINISTRATOR).user
    with organisation_scope(organisation):
        _invitation, token = actions.invite_member(
            actor=admin,
            organisation=organisation,
            email="new.person@example.test",
            role="volunteer",
        )
    language_for(language)

    assert_accessible(
        page,
        [
            ("sign-in", reverse("account_login")),
            ("password-reset", reverse("account_reset_password")),
            ("accessibility-statement", reverse("accessibility")),
            ("privacy-notice", reverse("privacy")),
            ("not-found", "/no-such-page/"),
            ("accept-invitation", reverse("accept_invitation", args=[token])),
        ],
        language,
    )
    assert csp_reports.reports == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_signed_in_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, language_for
):
    from mend.core import actions
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member

    admin = make_member(organisation, Role.ADMINISTRATOR, full_name="Julia Evans").user
    colleague = make_member(organisation, Role.PRACTITIONER, full_name="Sam Hughes")
    with organisation_scope(organisation):
        actions.create_team(actor=admin, organisation=organisation, name="Community")
        actions.invite_member(
            actor=admin,
            organisation=organisation,
            email="new.person@example.test",
            role="volunteer",
        )
    sign_in_as(admin, organisation)
    language_for(language)

    def invite_with_errors():
        page.goto(reverse("invite"))
        page.locator("main form button[type=submit]").click()
        page.locator(".govuk-error-summary").wait_for()

    assert_accessible(
        page,
        [
            ("home", reverse("home")),
            ("people", reverse("member_list")),
            ("person", reverse("member_detail", args=[colleague.pk])),
            ("invite", reverse("invite")),
            ("invite-with-errors", invite_with_errors),
            ("teams", reverse("team_list")),
            ("team-form", reverse("team_create")),
            ("record-history", reverse("record_history", args=["core.membership", colleague.pk])),
            ("change-password", reverse("account_change_password")),
            ("two-step-sign-in", reverse("mfa_index")),
            ("sessions", reverse("usersessions_list")),
        ],
        language,
    )
    assert csp_reports.reports == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_authenticator_app_setup_has_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, language_for
):
    from mend.core.roles import Role
    from mend.core.tests_support import make_member

    newcomer = make_member(organisation, Role.VOLUNTEER, mfa=False).user
    sign_in_as(newcomer, organisation, recently_authenticated=True)
    language_for(language)

    assert_accessible(page, [("set-up-authenticator", reverse("mfa_activate_totp"))], language)

    assert page.url.endswith(reverse("mfa_activate_totp"))
    assert csp_reports.reports == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_locked_out_page_has_no_accessibility_violations(
    page, csp_reports, transactional_db, language, language_for
):
    lock_out("locked@example.test")
    language_for(language)

    def sign_in_while_locked_out():
        page.goto(reverse("account_login"))
        page.locator("input[name=login]").fill("locked@example.test")
        page.locator("input[name=password]").fill("not the password")
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").click()
        assert navigation.value.status == 429

    assert_accessible(page, [("locked-out", sign_in_while_locked_out)], language)

    assert csp_reports.reports == []
