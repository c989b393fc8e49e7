"""Delivery pages and the engagement page's delivery panel run a fixed number of queries,
whatever the number of sessions, trainers, attendees and survey answers."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import choices as c
from mend.training.delivery import evaluation
from mend.training.delivery.queries import delivery_panel
from tests.queries import counting
from tests.training.support import engagement_with_sessions, soon

pytestmark = pytest.mark.django_db


class Team:
    def __init__(self, org, make_member, trainers):
        self.org = org
        self.admin = make_member(org, Role.ADMINISTRATOR, email="admin.home@example.test")
        self.trainers = []
        for i in range(trainers):
            member = make_member(
                org, Role.TRAINER, email=f"trainer{i}@example.test", full_name=f"Trainer {i}"
            )
            with organisation_scope(org):
                actions.set_trainer_level(
                    actor=self.admin.user, membership=member, level=c.TrainerLevel.ADVANCED
                )
            self.trainers.append(member)

    def engagement(self, sessions: int, attendees: int, offset=0):
        """Sessions on consecutive past days, each with every trainer, and an attendee list."""
        with organisation_scope(self.org):
            engagement = engagement_with_sessions(
                self.admin.user, self.org, [soon(-40 + offset + i) for i in range(sessions)]
            )
            for session in engagement.sessions.all():
                for trainer in self.trainers:
                    actions.allocate_trainer(
                        actor=self.admin.user, session=session, membership=trainer
                    )
            if attendees:
                actions.add_attendees(
                    actor=self.admin.user,
                    engagement=engagement,
                    text="\n".join(
                        f"Person {i}, p{i}.{offset}@example.test" for i in range(attendees)
                    ),
                )
        return engagement


def _count(fn) -> int:
    with counting() as queries:
        fn()
    return len(queries)


def test_the_delivery_panel_runs_the_same_queries_for_a_small_and_a_large_engagement(
    org, make_member
):
    team = Team(org, make_member, trainers=2)
    small = team.engagement(sessions=1, attendees=1)
    large = team.engagement(sessions=6, attendees=25, offset=10)
    request = RequestFactory().get("/")
    request.user = team.admin.user

    def render(engagement):
        context = delivery_panel(request, engagement)
        return render_to_string(
            "training/delivery/_engagement_panel.html", {**context, "engagement": engagement}
        )

    with organisation_scope(org):
        render(small)  # warm the user's membership cache
        small_count = _count(lambda: render(small))
        large_count = _count(lambda: render(large))
        html = render(large)
    assert small_count == large_count <= 3
    assert html.count('href="/training/sessions/') == 12  # view and register per session
    assert "25 attendees on the list." in html


def test_the_panel_shows_only_the_links_the_role_allows(org, make_member):
    team = Team(org, make_member, trainers=1)
    engagement = team.engagement(sessions=1, attendees=0)
    request = RequestFactory().get("/")
    with organisation_scope(org):
        for user, shown in ((team.admin.user, True), (team.trainers[0].user, False)):
            request.user = user
            context = delivery_panel(request, engagement)
            html = render_to_string(
                "training/delivery/_engagement_panel.html", {**context, "engagement": engagement}
            )
            assert (reverse("training_attendees", args=[engagement.pk]) in html) is shown
            assert (reverse("training_certificates", args=[engagement.pk]) in html) is shown
            assert reverse("training_session_register", args=[engagement.sessions.get().pk]) in html


@pytest.mark.parametrize(
    "page",
    ["training_session", "training_session_register", "training_attendees", "training_my_sessions"],
)
def test_delivery_pages_have_a_fixed_query_budget(org, make_member, signed_in, page):
    team = Team(org, make_member, trainers=1)
    small = team.engagement(sessions=1, attendees=1)
    large = team.engagement(sessions=5, attendees=30, offset=10)
    client = signed_in(
        team.trainers[0].user if page == "training_my_sessions" else team.admin.user, org
    )

    def url(engagement):
        if page == "training_my_sessions":
            return reverse(page)
        if page == "training_attendees":
            return reverse(page, args=[engagement.pk])
        with organisation_scope(org):
            return reverse(page, args=[engagement.sessions.order_by("-starts_at").first().pk])

    small_url, large_url = url(small), url(large)
    client.get(small_url)
    assert client.get(large_url).status_code == 200
    small_count = _count(lambda: client.get(small_url))
    large_count = _count(lambda: client.get(large_url))
    assert small_count == large_count


def test_results_pages_have_a_fixed_query_budget(org, make_member, signed_in):
    team = Team(org, make_member, trainers=1)
    engagement = team.engagement(sessions=1, attendees=0)
    client = signed_in(team.admin.user, org)
    course_url = reverse("training_course_results", args=[engagement.course_id])
    trainer_url = reverse("training_trainer_results", args=[team.trainers[0].pk])
    client.get(course_url)
    before = (_count(lambda: client.get(course_url)), _count(lambda: client.get(trainer_url)))
    with organisation_scope(org):
        actions.add_attendees(
            actor=team.admin.user,
            engagement=engagement,
            text="\n".join(f"Person {i}, p{i}@example.test" for i in range(12)),
        )
        requests = actions.send_evaluations(
            actor=team.admin.user, engagement=engagement, stage="pre"
        )
        for request, _token in requests:
            request.answers = dict.fromkeys(evaluation.CODES, 3)
            request.answered_at = request.sent_at
            request.save()
    after = (_count(lambda: client.get(course_url)), _count(lambda: client.get(trainer_url)))
    assert before == after
    assert "12 answers before the course" in client.get(course_url).content.decode()
