"""Anonymised case studies: drafted without anything that identifies anyone, edited, approved and
published only with everyone's consent, and shown publicly only once published."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.outcomes.case_study import PSEUDONYMS, season
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.builders import CaseWorld
from tests.pages import page_text

pytestmark = pytest.mark.django_db

EXACT_DATES = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")
POSTCODES = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


class Story(CaseWorld):
    """A finished case whose people have names nobody would use as a pseudonym."""

    def __init__(self, org, make_member):
        super().__init__(org, make_member)
        self.manager = self.member(Role.MANAGER, email="morgan.home@example.test")
        self.practitioner = self.member(Role.PRACTITIONER, email="priya.home@example.test")
        actor = self.manager.user
        self.case = self.open_case(
            lead=self.practitioner,
            summary="Zebedee's shed at 12 Quarry Lane was set alight on 14/03/2026.",
            incident_date=date(2026, 3, 14),
            sharon={
                "first_name": "Zebedee",
                "last_name": "Quixworth",
                "postcode": "SA1 8PP",
                "contact": {"email": "zq@example.test", "address": "12 Quarry Lane, Pontardawe"},
                "safety_flags": "Fears retaliation",
            },
            dean={
                "first_name": "Ottoline",
                "last_name": "Fairweather-Brandt",
                "postcode": "NP20 1XX",
            },
        )
        self.harmed, self.responsible = self.sharon, self.dean
        self.supporter = self.add_party(
            self.case,
            c.PartyRole.SUPPORTER,
            "Sharon",  # the first pseudonym: she must get another one
            "Ximenez",
        )
        with organisation_scope(org):
            for party in (self.harmed, self.responsible):
                self.consent(party, c.ConsentScope.FEEDBACK)
            actions.add_support_referral(
                actor=actor, party=self.harmed, service=c.SupportService.SUBSTANCE
            )
            m.Process.objects.create(organisation=org, case=self.case, kind="letter")
            agreement = actions.create_agreement(actor=actor, case=self.case)
            actions.add_agreement_item(
                actor=actor,
                agreement=agreement,
                kind=c.AgreementItemKind.RESTITUTION,
                responsible=self.responsible,
                serves=self.harmed,
                description="Pay Zebedee Quixworth for the shed",
                amount="250.00",
            )
            self.answer(
                self.harmed,
                "Ottoline Fairweather-Brandt wrote to me and Zebedee finally slept. "
                "Call me on 07700 900123 or at SA1 8PP, we met on 2 April 2026.",
                may_quote=True,
            )
            self.answer(self.responsible, "Private: do not quote this at all.", may_quote=False)

    def answer(self, party, comments, may_quote):
        _request, token, _emailed = actions.send_feedback_request(
            actor=self.manager.user, party=party
        )
        actions.answer_feedback(
            token=token,
            satisfaction=5,
            felt_safe=True,
            felt_heard=True,
            would_recommend=True,
            comments=comments,
            may_quote_anonymously=may_quote,
        )

    def consent_to_case_study(self, *parties):
        for party in parties:
            self.consent(party, c.ConsentScope.CASE_STUDY)

    def draft(self) -> m.CaseStudy:
        with organisation_scope(self.org):
            return actions.draft_case_study(actor=self.practitioner.user, case=self.case)


@pytest.fixture
def story(org, make_member):
    return Story(org, make_member)


REAL_NAMES = ["Zebedee", "Quixworth", "Ottoline", "Fairweather", "Brandt", "Ximenez"]


def test_the_draft_names_nobody_and_places_and_dates_nothing(story):
    study = story.draft()
    text = f"{study.title}\n{study.narrative}"
    for name in REAL_NAMES:
        assert name.lower() not in text.lower(), name
    assert not POSTCODES.search(text)
    assert not EXACT_DATES.search(text)
    for leak in ("Quarry Lane", "Pontardawe", "07700", "zq@example", "2 April", "alight"):
        assert leak not in text, leak
    assert "Fears retaliation" not in text
    # Pseudonyms with an asterisk, and never the supporter's real first name as a pseudonym.
    pseudonyms = set(re.findall(r"\b([A-Z][a-z]+)\*", text))
    assert len(pseudonyms) >= 2
    assert pseudonyms <= set(PSEUDONYMS) - {"Sharon"}
    assert "Sharon" not in text
    # Generalised: the season and year, the organisation's own name kept.
    assert season(story.case.received_on) in text
    assert story.org.name in text


def test_the_draft_quotes_only_feedback_its_author_allowed_to_be_quoted(story):
    text = story.draft().narrative
    assert "wrote to me" in text and "finally slept" in text
    assert "do not quote" not in text
    # The harmed person's quote names the responsible party by pseudonym only.
    quote = re.search(r"“(.*?)”", text, re.S).group(1)
    assert re.search(r"[A-Z][a-z]+\* wrote to me and [A-Z][a-z]+\* finally slept", quote)


def test_the_draft_leaves_sensitive_support_services_unnamed(story):
    text = story.draft().narrative.lower()
    assert "substance" not in text
    assert "helped to reach other services" in text


def test_publishing_needs_approval_and_every_principal_partys_consent(story):
    study = story.draft()
    with organisation_scope(story.org):
        with pytest.raises(actions.CaseStudyRefused) as refused:
            actions.publish_case_study(actor=story.manager.user, study=study)
        assert refused.value.reasons == [
            "The case study must be approved before it is published.",
            "Zebedee Quixworth (person harmed) has not consented to an anonymised case study.",
            "Ottoline Fairweather-Brandt (person responsible) has not consented to an "
            "anonymised case study.",
        ]
        actions.approve_case_study(actor=story.manager.user, study=study)
    story.consent_to_case_study(story.harmed)
    with organisation_scope(story.org):
        with pytest.raises(actions.CaseStudyRefused) as refused:
            actions.publish_case_study(actor=story.manager.user, study=study)
        assert refused.value.reasons == [
            "Ottoline Fairweather-Brandt (person responsible) has not consented to an "
            "anonymised case study."
        ]
    story.consent_to_case_study(story.responsible)
    with organisation_scope(story.org):
        published = actions.publish_case_study(actor=story.manager.user, study=study)
    assert published.published_at is not None and published.approved_by == story.manager.user


def test_a_practitioner_cannot_approve_or_publish(story, signed_in):
    study = story.draft()
    client = signed_in(story.practitioner.user, story.org)
    assert client.post(reverse("case_study_approve", args=[study.pk])).status_code == 404
    assert client.post(reverse("case_study_publish", args=[study.pk])).status_code == 404
    with organisation_scope(story.org):
        study.refresh_from_db()
    assert study.approved_at is None


def test_a_real_name_typed_into_the_story_blocks_approval(story, signed_in):
    study = story.draft()
    client = signed_in(story.practitioner.user, story.org)
    response = client.post(
        reverse("case_study_edit", args=[study.pk]),
        {
            "title": study.title,
            "narrative": study.narrative + "\n\nThanks to Mr quixworth, of CF10 1AA, on 3/4/2026.",
            "version": study.version,
        },
    )
    assert response.status_code == 302
    manager = signed_in(story.manager.user, story.org)
    response = manager.post(reverse("case_study_approve", args=[study.pk]), follow=True)
    text = page_text(response)
    assert "It contains the real name “Quixworth”." in text
    assert "It contains an address or a postcode." in text
    assert "It contains an exact date: say only the season and year." in text
    with organisation_scope(story.org):
        study.refresh_from_db()
    assert study.approved_at is None


def test_editing_an_approved_story_withdraws_its_approval_and_publication(story):
    story.consent_to_case_study(story.harmed, story.responsible)
    study = story.draft()
    with organisation_scope(story.org):
        study = actions.approve_case_study(actor=story.manager.user, study=study)
        study = actions.publish_case_study(actor=story.manager.user, study=study)
        study = actions.edit_case_study(
            actor=story.practitioner.user,
            study=study,
            title=study.title,
            narrative=study.narrative + "\n\nA new ending.",
            version=study.version,
        )
    assert study.approved_at is None and study.published_at is None


def test_two_editors_of_a_story_do_not_overwrite_each_other(story):
    study = story.draft()
    seen = study.version
    with organisation_scope(story.org):
        actions.edit_case_study(
            actor=story.practitioner.user, study=study, title="First", narrative="A", version=seen
        )
        with pytest.raises(Exception, match="Someone else changed this record"):
            actions.edit_case_study(
                actor=story.manager.user, study=study, title="Second", narrative="B", version=seen
            )
        study.refresh_from_db()
    assert study.title == "First"


def test_the_public_page_shows_only_published_stories(story, client, other_org):
    story.consent_to_case_study(story.harmed, story.responsible)
    published, draft, approved = story.draft(), story.draft(), story.draft()
    with organisation_scope(story.org):
        for study in (published, approved):
            actions.approve_case_study(actor=story.manager.user, study=study)
        actions.publish_case_study(actor=story.manager.user, study=published)
        m.CaseStudy.objects.filter(pk=published.pk).update(title="The published one")
    listing = client.get(reverse("case_stories", args=[story.org.slug]))
    assert listing.status_code == 200
    links = re.findall(r'href="(/cases/stories/[^"]+)"', listing.content.decode())
    assert links == [reverse("case_story", args=[story.org.slug, published.pk])]
    assert client.get(links[0]).status_code == 200
    for hidden in (draft, approved):
        assert (
            client.get(reverse("case_story", args=[story.org.slug, hidden.pk])).status_code == 404
        )
    # Another organisation's page never shows this organisation's stories.
    assert client.get(reverse("case_story", args=[other_org.slug, published.pk])).status_code == 404
    elsewhere = client.get(reverse("case_stories", args=[other_org.slug]))
    assert "The published one" not in page_text(elsewhere)
    assert client.get(reverse("case_stories", args=["no-such-organisation"])).status_code == 404


def test_the_public_page_runs_a_fixed_number_of_queries(story, client, count_queries):
    story.consent_to_case_study(story.harmed, story.responsible)
    url = reverse("case_stories", args=[story.org.slug])

    def publish_one():
        study = story.draft()
        with organisation_scope(story.org):
            actions.approve_case_study(actor=story.manager.user, study=study)
            actions.publish_case_study(actor=story.manager.user, study=study)

    publish_one()
    small = count_queries(client, url)
    for _ in range(4):
        publish_one()
    assert count_queries(client, url) == small
