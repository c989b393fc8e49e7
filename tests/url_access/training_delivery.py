"""Expectations for training delivery: sessions, trainers, attendees, registers, certificates and
the confidence surveys.

The walker's trainer is allocated to nothing, so the session pages (which a trainer reaches only
for the sessions they deliver) answer 404 to them, as to every role without the permission.
Trainer levels are the administrator's (CONFIGURE_TRAINING); survey results are for the roles
that see the training dashboards. The certificate check and the survey (the token is the
credential) need no sign-in.
"""

from __future__ import annotations

from django.urls import reverse

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.core.tests_support import make_member
from mend.training import actions
from mend.training import choices as c
from mend.training.delivery.actions import issue_certificate
from tests.training.support import engagement_with_sessions, soon
from tests.url_access import Expect

TRAINING_STAFF = frozenset({Role.ADMINISTRATOR, Role.MANAGER, Role.OFFICE})
DELIVERERS = TRAINING_STAFF | {Role.TRAINER}
DASHBOARD = TRAINING_STAFF | {Role.EVALUATOR}
ADMIN = frozenset({Role.ADMINISTRATOR})

EXPECTED: dict[str, Expect] = {
    **{
        name: Expect(TRAINING_STAFF, org_object=True)
        for name in (
            "training_session_new",
            "training_session",
            "training_session_edit",
            "training_session_postpone",
            "training_session_register",
            "training_attendees",
            "training_attendees_paste",
            "training_certificates",
            "training_certificate_download",
            "training_evaluations_send",
        )
    },
    "training_session_delivered": Expect(TRAINING_STAFF, ok=302, method="post", org_object=True),
    "training_session_allocate": Expect(TRAINING_STAFF, method="post", org_object=True),
    "training_session_trainer_remove": Expect(
        TRAINING_STAFF, ok=302, method="post", org_object=True
    ),
    "training_attendee_remove": Expect(TRAINING_STAFF, ok=302, method="post", org_object=True),
    "training_my_sessions": Expect(DELIVERERS),
    "training_trainers": Expect(ADMIN),
    "training_trainer_level": Expect(ADMIN, org_object=True),
    "training_trainer_results": Expect(DASHBOARD, org_object=True),
    "training_course_results": Expect(DASHBOARD, org_object=True),
    "training_certificate_check": Expect(None),
    "training_certificate": Expect(None),
    "training_evaluation": Expect(None),
}


def objects(organisation, admin_user, slug):
    trainer = make_member(organisation, Role.TRAINER, email=f"trainer.delivery.{slug}@example.test")
    with organisation_scope(organisation):
        actions.set_trainer_level(
            actor=admin_user, membership=trainer, level=c.TrainerLevel.ADVANCED
        )
        engagement = engagement_with_sessions(admin_user, organisation, [soon(0)])
        session = engagement.sessions.get()
        allocation = actions.allocate_trainer(actor=admin_user, session=session, membership=trainer)
        ann = actions.add_attendee(
            actor=admin_user, engagement=engagement, name="Ann Jones", email="ann@example.test"
        )
        ben = actions.add_attendee(actor=admin_user, engagement=engagement, name="Ben Hill")
        certificate = issue_certificate(
            actor=admin_user,
            organisation=organisation,
            holder_name=ann.name,
            course_title=engagement.course.title,
            course_title_cy=engagement.course.title_cy,
            cpd_hours=engagement.course.cpd_hours,
            completed_on=soon(0),
            language="en",
            attendee=ann,
        )
        ((_request, token),) = actions.send_evaluations(
            actor=admin_user, engagement=engagement, stage="pre"
        )
    return {
        "engagement": engagement,
        "session": session,
        "allocation": allocation,
        "attendee": ben,
        "certificate": certificate,
        "trainer": trainer,
        "course": engagement.course,
        "token": token,
    }


def urls(for_each) -> dict[str, dict[str, str]]:
    by_object = {
        "training_session_new": "engagement",
        "training_attendees": "engagement",
        "training_attendees_paste": "engagement",
        "training_certificates": "engagement",
        "training_evaluations_send": "engagement",
        "training_session": "session",
        "training_session_edit": "session",
        "training_session_postpone": "session",
        "training_session_register": "session",
        "training_session_delivered": "session",
        "training_session_allocate": "session",
        "training_session_trainer_remove": "allocation",
        "training_attendee_remove": "attendee",
        "training_certificate_download": "certificate",
        "training_trainer_level": "trainer",
        "training_trainer_results": "trainer",
        "training_course_results": "course",
    }
    found = {
        name: for_each(lambda o, n=name, key=key: reverse(n, args=[o[key].pk]))
        for name, key in by_object.items()
    }
    found["training_certificate"] = for_each(
        lambda o: reverse("training_certificate", args=[o["certificate"].code])
    )
    found["training_evaluation"] = for_each(
        lambda o: reverse("training_evaluation", args=[o["token"]])
    )
    return found
