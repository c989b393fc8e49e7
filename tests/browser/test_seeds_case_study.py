"""The seeds' case study, end to end in the browser (DOMAIN.md "A case, end to end").

A probation officer refers Sharon and Mike; a manager accepts and allocates the case; the lead
practitioner records consent, assessments and risk; Sharon is supported onward; a face-to-face
meeting is judged not suitable, so Mike writes a letter of apology which is screened, opted into
and delivered through the Probation Service; Sharon answers a feedback survey; and the case closes
as completed indirectly. Every step goes through the real pages.
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .support import screenshot

pytestmark = pytest.mark.browser

SHARON_PHONE = "07700 900123"
SHARON_EMAIL = "sharon.jones@example.org"
LETTER_BODY = "I am sorry for breaking into your shed and taking your tools."


@pytest.fixture
def organisation(transactional_db, settings, tmp_path):
    from mend.core.tests_support import make_organisation

    settings.MEDIA_ROOT = tmp_path / "media"
    return make_organisation("Cwm Restorative Approaches", "cwm")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _submit(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def _no_errors(page) -> None:
    expect(page.locator(".govuk-error-summary")).to_have_count(0)


def _case_pk(url: str) -> int:
    return int(re.search(r"/cases/(\d+)/", url).group(1))


def test_seeds_case_study_from_referral_to_closure(
    browser, live_server, context, page, sign_in_as, organisation
):
    from mend.core.roles import Role
    from mend.core.tests_support import make_member

    referrer = make_member(organisation, Role.PARTNER_REFERRER, full_name="Paula Probert")
    manager = make_member(organisation, Role.MANAGER, full_name="Morgan Price")
    lead = make_member(organisation, Role.PRACTITIONER, full_name="Lowri Evans")
    coworker = make_member(organisation, Role.EXTERNAL_COWORKER, full_name="Owen Probation")

    # 1. The probation officer refers the case, with their risk assessment.
    sign_in_as(referrer.user, organisation)
    page.goto(reverse("referral_submit"))
    page.get_by_label("Your agency").fill("Probation Service")
    page.get_by_label("Your role").fill("Probation officer")
    page.get_by_label("Kind of case").select_option(label="Criminal justice")
    page.get_by_label("What happened").fill("Mike broke into Sharon's shed and took her tools.")
    page.get_by_label("Information-sharing basis").select_option(label="Information-sharing agreement")
    page.get_by_label("Your risk assessment").set_input_files(
        files=[{"name": "risk.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.get_by_label("Risk level in your assessment").select_option(label="Medium")
    page.locator("#id_harmed_first_name").fill("Sharon")
    page.locator("#id_responsible_first_name").fill("Mike")
    _submit(page, "Send the referral")
    _no_errors(page)
    page.goto(reverse("referral_mine"))
    screenshot(page, "seeds-1-referrals-mine")
    referrals = page.get_by_role("table")
    expect(referrals).to_contain_text("Criminal justice")
    expect(referrals).to_contain_text("Referred")

    # 2. A manager accepts the referral and allocates a lead and the probation co-worker.
    sign_in_as(manager.user, organisation)
    page.goto(reverse("referral_queue"))
    page.get_by_role("link", name=re.compile("accept or decline")).click()
    pk = _case_pk(page.url)
    _submit(page, "Accept the referral")
    _no_errors(page)
    page.goto(reverse("case_allocate", args=[pk]))
    page.get_by_label("Who").select_option(label="Lowri Evans (Practitioner)")
    page.get_by_label("Lead practitioner").check()
    _submit(page, "Allocate")
    _no_errors(page)
    page.get_by_label("Who").select_option(label=re.compile("^Owen Probation"))
    page.get_by_label("Co-worker").check()
    _submit(page, "Allocate")
    _no_errors(page)
    expect(page.get_by_role("main")).to_contain_text("Owen Probation")

    # 3. The lead starts the assessment, records consent, assessments and risk.
    sign_in_as(lead.user, organisation)
    page.goto(reverse("case_detail", args=[pk]))
    page.get_by_role("link", name="Start assessment").click()
    _submit(page, "Start assessment")
    _no_errors(page)
    expect(page.get_by_role("main")).to_contain_text("Assessment")
    for name in ("Sharon", "Mike"):
        for scope in ("To take part", "To be asked for feedback"):
            page.goto(reverse("case_parties", args=[pk]))
            page.get_by_role("link", name=name, exact=True).click()
            page.get_by_role("link", name="Record consent").click()
            page.get_by_label(scope).check()
            page.get_by_label("Signed form").check()
            _submit(page, "Record consent")
            _no_errors(page)
    print(page.locator("main").inner_text())
