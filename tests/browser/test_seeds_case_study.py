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

from tests.browser.support import no_errors, screenshot, submit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fresh_cache")]

SHARON_PHONE = "07700 900123"
SHARON_SAFE_TIMES = "Weekday evenings after 6pm"
SHARON_NEW_PHONE = "07700 900456"
SHARON_ADDRESS = "4 Heol y Nant, Cwmbran"
LETTER_BODY = "I am sorry for breaking into your shed and taking your tools."


@pytest.fixture
def organisation(transactional_db, settings, tmp_path, live_server):
    from mend.core.tests_support import make_organisation

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEND_BASE_URL = live_server.url  # links made for people point at this server
    return make_organisation("Cwm Restorative Approaches", "cwm")


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
    page.get_by_label("Information-sharing basis").select_option(
        label="Information-sharing agreement"
    )
    page.get_by_label("Your risk assessment").set_input_files(
        files=[{"name": "risk.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.get_by_label("Risk level in your assessment").select_option(label="Medium")
    page.locator("#id_harmed_first_name").fill("Sharon")
    page.locator("#id_harmed_phone").fill(SHARON_PHONE)
    page.locator("#id_harmed_safe_times").fill(SHARON_SAFE_TIMES)
    page.locator("#id_responsible_first_name").fill("Mike")
    submit(page, "Send the referral")
    no_errors(page)
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
    submit(page, "Accept the referral")
    no_errors(page)
    page.goto(reverse("case_allocate", args=[pk]))
    page.get_by_label("Who", exact=True).select_option(label="Lowri Evans (Practitioner)")
    page.get_by_label("Lead practitioner").check()
    submit(page, "Allocate")
    no_errors(page)
    page.get_by_label("Who", exact=True).select_option(
        label="Owen Probation (external co-worker: sees only cases they are allocated to)"
    )
    page.get_by_label("Co-worker").check()
    submit(page, "Allocate")
    no_errors(page)
    expect(page.get_by_role("main")).to_contain_text("Owen Probation")

    # The probation co-worker, once allocated, can open the case.
    sign_in_as(coworker.user, organisation)
    response = page.goto(reverse("case_detail", args=[pk]))
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("CWM-")

    # 3. The lead starts the assessment, records consent, assessments and risk.
    sign_in_as(lead.user, organisation)
    page.goto(reverse("case_detail", args=[pk]))
    page.get_by_role("link", name="Start assessment").click()
    submit(page, "Start assessment")
    no_errors(page)
    expect(page.get_by_role("main")).to_contain_text("Assessment")
    for name in ("Sharon", "Mike"):
        for scope in ("To take part", "To be asked for feedback"):
            page.goto(reverse("case_parties", args=[pk]))
            page.get_by_role("link", name=name, exact=True).click()
            page.get_by_role("link", name="Record consent").click()
            page.get_by_label(scope).check()
            page.get_by_label("Signed form").check()
            submit(page, "Record consent")
            no_errors(page)
    page.goto(reverse("case_parties", args=[pk]))
    page.get_by_role("link", name="Sharon", exact=True).click()
    page.get_by_role("link", name="Change Sharon's details").click()
    page.get_by_label("Phone number", exact=True).fill(SHARON_NEW_PHONE)
    page.get_by_label("Address", exact=True).fill(SHARON_ADDRESS)
    submit(page, "Save details")
    no_errors(page)
    expect(page.get_by_role("main")).to_contain_text(SHARON_NEW_PHONE)

    assessments = (
        (
            "Sharon",
            "What did you think when you realised what had happened?",
            "Counselling, a GP appointment and benefits advice.",
        ),
        ("Mike", "What happened?", "Help with alcohol."),
    )
    for name, first_question, need in assessments:
        page.goto(reverse("case_assessment", args=[pk]))
        page.get_by_role("link", name=f"Record assessment {name}").click()
        page.get_by_label(first_question, exact=True).fill(f"{name} told us in their own words.")
        page.get_by_label("Needs", exact=True).fill(need)
        submit(page, "Save assessment")
        no_errors(page)
    page.goto(reverse("case_assessment", args=[pk]))
    page.get_by_role("link", name="Record a risk assessment").click()
    page.get_by_label("Medium", exact=True).check()
    page.get_by_label("Risks identified").fill("Mike and Sharon live on the same street.")
    page.get_by_label("Mitigation plan").fill("No direct contact; letters are screened.")
    submit(page, "Save risk assessment")
    no_errors(page)

    sign_in_as(manager.user, organisation)
    page.goto(reverse("case_assessment", args=[pk]))
    page.get_by_role("link", name="Give risk sign-off").click()
    page.get_by_label("Notes", exact=True).fill("Agreed: indirect work only for now.")
    submit(page, "Give risk sign-off")
    no_errors(page)
    screenshot(page, "seeds-3-assessment")

    # 4. Sharon's unmet needs become onward referrals for support.
    sign_in_as(lead.user, organisation)
    for service, provider in (
        ("Counselling", "Cwm Counselling"),
        ("GP", "Heol Surgery"),
        ("Benefits advice", "Citizens Advice"),
    ):
        page.goto(reverse("case_outcomes", args=[pk]))
        page.get_by_role("link", name="Add a support referral for Sharon").click()
        page.get_by_label(service, exact=True).check()
        page.get_by_label("Provider", exact=True).fill(provider)
        page.get_by_label("Status", exact=True).select_option(label="Referred")
        submit(page, "Add support referral")
        no_errors(page)
    page.goto(reverse("case_outcomes", args=[pk]))
    for provider in ("Cwm Counselling", "Heol Surgery", "Citizens Advice"):
        expect(page.get_by_role("main")).to_contain_text(provider)

    # 5. A face-to-face meeting is not suitable; written correspondence is.
    for process, decision, reason in (
        ("Face-to-face meeting or conference", "Not suitable", "Sharon does not feel safe yet."),
        ("Written correspondence", "Suitable", "Both would like to write."),
    ):
        page.goto(reverse("case_assessment", args=[pk]))
        page.get_by_role("link", name="Record a suitability decision").click()
        page.get_by_label("Process", exact=True).select_option(label=process)
        page.get_by_label(decision, exact=True).check()
        page.get_by_label("Reason", exact=True).fill(reason)
        submit(page, "Save decision")
        no_errors(page)
    expect(page.get_by_role("main")).to_contain_text("Sharon does not feel safe yet.")

    # 6. Mike writes to Sharon, guided by the restorative questions.
    page.goto(reverse("case_communication", args=[pk]))
    page.get_by_role("link", name="Start a letter").click()
    page.get_by_label("Who is writing?").select_option(label="Mike (Person responsible)")
    page.get_by_label("Who is the letter for?").select_option(label="Sharon (Person harmed)")
    submit(page, "Continue")
    no_errors(page)
    expect(page.get_by_text("What happened?", exact=True)).to_be_visible()
    page.get_by_label("What happened?", exact=True).fill("I broke into the shed.")
    page.get_by_label("The letter", exact=True).fill(LETTER_BODY)
    screenshot(page, "seeds-6-letter-builder")
    submit(page, "Save draft")
    no_errors(page)
    letter_url = page.url
    page.get_by_role("link", name="Screen the letter").click()
    page.get_by_label("It is fit to send").check()
    page.get_by_label("It holds no contact details").check()
    page.get_by_label("It does not shift blame").check()
    page.get_by_label("It is safe for the person receiving it").check()
    submit(page, "Save decision")
    no_errors(page)
    page.goto(letter_url)
    page.get_by_role("link", name="Record whether they want it").click()
    page.get_by_label("Yes", exact=True).check()
    submit(page, "Save their choice")
    no_errors(page)
    page.goto(letter_url)
    page.get_by_role("link", name="Deliver or hold on file").click()
    page.get_by_label("Via the Probation Service").check()
    page.get_by_label("Name of the agency").fill("Probation Service")
    submit(page, "Save")
    no_errors(page)
    page.goto(letter_url)
    expect(page.get_by_role("main")).to_contain_text("Via the Probation Service")
    pdf_url = page.get_by_role("link", name="Download the letter (PDF)").get_attribute("href")
    response = context.request.get(pdf_url)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(response.body())).pages)
    text = " ".join(text.split())
    assert LETTER_BODY in text
    for contact in (SHARON_PHONE, SHARON_NEW_PHONE, SHARON_SAFE_TIMES, SHARON_ADDRESS):
        assert contact not in text

    # 7. Sharon is asked for feedback and answers without signing in.
    page.goto(reverse("case_outcomes", args=[pk]))
    page.get_by_role("link", name="Ask for feedback (Sharon)").click()
    submit(page, "Create the survey link")
    no_errors(page)
    survey_url = page.locator(".govuk-inset-text").inner_text().strip()
    assert survey_url.startswith(f"{live_server.url}/cases/feedback/")
    anonymous = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        survey = anonymous.new_page()
        survey.goto(survey_url)
        survey.get_by_label("5 – very satisfied").check()
        for question in (
            "Did you feel safe taking part?",
            "Did you feel listened to?",
            "Would you recommend restorative justice",
        ):
            survey.get_by_role("group", name=question).get_by_label("Yes", exact=True).check()
        survey.get_by_label("Is there anything else").fill("Reading his letter helped me.")
        screenshot(survey, "seeds-7-survey")
        submit(survey, "Send my answers")
        no_errors(survey)
        expect(survey.get_by_role("main")).to_contain_text("Thank you")
    finally:
        anonymous.close()

    # 8. The case closes, completed indirectly; a follow-up contact is due.
    page.goto(reverse("case_detail", args=[pk]))
    page.get_by_role("link", name="Close the case").click()
    page.get_by_label("Why is the case closing?").select_option(label="Completed: indirect process")
    page.get_by_label("Closure notes").fill("Letter delivered; Sharon supported onward.")
    submit(page, "Close the case")
    no_errors(page)
    page.goto(reverse("case_detail", args=[pk]))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Closed")
    expect(main).to_contain_text("Completed: indirect process")
    expect(main).to_contain_text("Follow-up contact after closure")
    screenshot(page, "seeds-8-closed")

    sign_in_as(referrer.user, organisation)
    page.goto(reverse("referral_status", args=[pk]))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Closed")
    expect(main).to_contain_text("Completed: indirect process")
    # The referrer reads back what they told us, but nothing recorded since: not Sharon's
    # contact details as the practitioner holds them, her assessment or her support.
    for private in (
        SHARON_NEW_PHONE,
        SHARON_ADDRESS,
        "Sharon told us in their own words.",
        "Cwm Counselling",
        "Heol Surgery",
        "Citizens Advice",
        "Counselling",
        "Benefits advice",
    ):
        expect(main).not_to_contain_text(private)
    screenshot(page, "seeds-8-referrer-status")
