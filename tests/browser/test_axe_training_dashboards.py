"""axe finds no accessibility violations on the training dashboard (with its charts and data
tables, and with a period error), in English and Welsh; and the charts break no Content Security
Policy rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = pytest.mark.browser


def at(year, month, day, hour=12):
    from tests.training.support import LONDON

    moment = datetime(year, month, day, hour, tzinfo=LONDON).astimezone(UTC)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def build_books(organisation):
    """A school invoiced and paid, a health board invoiced then part-cancelled with a fee."""
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member
    from mend.training import actions
    from mend.training import choices as c
    from tests.training.support import school_client, signed_engagement

    manager = make_member(organisation, Role.MANAGER, full_name="Morgan Price")
    with organisation_scope(organisation):
        actor = manager.user
        school, _contact = school_client(actor, organisation)
        health = actions.create_client(
            actor=actor, organisation=organisation, name="Hywel Dda", sector=c.Sector.HEALTH
        )
        actions.add_contact(
            actor=actor,
            client=health,
            name="Rhian Evans",
            role=c.ContactRole.BOOKING,
            email="rhian@hywel-dda.example",
        )
        with at(2025, 5, 1):
            paid = signed_engagement(actor, organisation, [date(2025, 7, 10)], client=school)
            part = signed_engagement(
                actor,
                organisation,
                [date(2025, 12, 1), date(2025, 12, 15)],
                ["500.00", "500.00"],
                client=health,
            )
        with at(2025, 7, 1):
            invoice = actions.invoice_engagement(actor=actor, engagement=paid)
        with at(2025, 8, 15):
            actions.record_payment(
                actor=actor,
                invoice=invoice,
                amount=str(invoice.total),
                received_on=date(2025, 8, 15),
                method=c.PaymentMethod.BANK_TRANSFER,
            )
        with at(2025, 10, 1):
            actions.invoice_engagement(actor=actor, engagement=part)
        with at(2025, 11, 10):
            first = part.sessions.order_by("starts_at").first()
            quote = actions.quote_cancellation(actor=actor, engagement=part, sessions=[first])
            actions.confirm_cancellation(actor=actor, quote=quote)
    return manager


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_dashboard_has_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, use_welsh
):
    manager = build_books(organisation)
    sign_in_as(manager.user, organisation)
    if language == "cy":
        use_welsh()
    url = reverse("training_dashboard")

    def with_error():
        page.goto(url)
        page.locator("input[name=year]").fill("20x5")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    assert_accessible(
        page,
        [
            ("current-year", url),
            ("financial-2025", f"{url}?basis=financial&year=2025"),
            ("calendar-2025", f"{url}?basis=calendar&year=2025"),
            ("period-error", with_error),
        ],
        language,
        prefix="training-dashboard-",
    )
    assert csp_reports.reports == []
