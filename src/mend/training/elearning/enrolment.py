"""Training actions: e-learning accounts and enrolment. A public sign-up makes a learner
account; a signed-in person enrols themselves in a published module; an author enrols a client's
people (AUTHOR_ELEARNING), each emailed the module link in their language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.models import Organisation, User
from mend.core.roles import Perm
from mend.training import models as m
from mend.training.elearning.queries import (
    can_self_enrol,
    email_in_use,
    learn_url,
    set_password_url,
)
from mend.training.events import TrainingEvent
from mend.training.tokens import public_url

__all__ = [
    "ClientEnrolment",
    "enrol_client_learners",
    "enrol_self",
    "parse_learner_lines",
    "sign_up_learner",
]


def _new_learner_account(*, email: str, full_name: str, language: str, password: str | None):
    """A User marked as a learner account (two-step sign-in optional while it has no
    membership). Without a password it gets an unusable one and sets its own by link."""
    User = get_user_model()
    user = User.objects.create_user(
        email,
        password=password,
        full_name=full_name.strip(),
        preferred_language=language if language in ("en", "cy") else "en",
    )
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    # `is_learner_account` is not editable through forms, so it is set here, deliberately.
    User.objects.filter(pk=user.pk).update(is_learner_account=True)
    user.is_learner_account = True
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": False}
    )
    return user


def _learner_for(user, organisation, *, name: str = "", client=None) -> m.Learner:
    learner = m.Learner.objects.filter(organisation=organisation, user=user).first()
    if learner is None:
        learner = m.Learner.objects.create(
            organisation=organisation,
            user=user,
            name=(name or user.full_name or user.email).strip(),
            client=client,
        )
    elif client is not None and learner.client_id is None:
        learner.client = client
        learner.save(update_fields=["client"])
    return learner


def sign_up_learner(
    *,
    organisation: Organisation,
    full_name: str,
    email: str,
    password: str,
    language: str = "en",
) -> User:
    """A public sign-up: a learner account and its Learner row in `organisation`."""
    email = (email or "").strip().lower()
    if not (full_name or "").strip():
        raise ValidationError({"full_name": _("Enter your full name.")})
    if email_in_use(email):
        raise ValidationError(
            {
                "email": _(
                    "There is already an account with this email address. Sign in instead, "
                    "then come back to enrol."
                )
            }
        )
    with transaction.atomic():
        user = _new_learner_account(
            email=email, full_name=full_name, language=language, password=password
        )
        learner = _learner_for(user, organisation, name=full_name)
        audit.record(
            TrainingEvent.LEARNER_SIGNED_UP,
            actor=user,
            organisation=organisation,
            obj=learner,
            changes={"language": user.preferred_language},
        )
    return user


def enrol_self(*, user: User | AnonymousUser, module: m.Module) -> m.Enrolment:
    """The signed-in person enrols in a published module (their Learner row is made if new).
    Enrolling again returns the enrolment they already have."""
    if not user.is_authenticated:
        raise PermissionDenied
    if not can_self_enrol(user, module):
        raise ValidationError(_("This module is not open for enrolment."))
    organisation = module.organisation
    with transaction.atomic():
        learner = _learner_for(user, organisation)
        enrolment, created = m.Enrolment.objects.get_or_create(
            organisation=organisation,
            learner=learner,
            module=module,
            defaults={"enrolled_by": user},
        )
        if created:
            audit.record(
                TrainingEvent.LEARNER_ENROLLED,
                actor=user,
                organisation=organisation,
                obj=enrolment,
                changes={"module": module.pk, "by": "self"},
            )
    return enrolment


def parse_learner_lines(text: str) -> list[tuple[str, str]]:
    """`Name, email` on each line, as (name, email); a ValidationError lists every bad line."""
    people: list[tuple[str, str]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, comma, email = line.rpartition(",")
        name, email = name.strip(), email.strip().lower()
        try:
            if not comma or not name:
                raise ValidationError("")
            validate_email(email)
        except ValidationError:
            problems.append(
                _("Line %(number)d is not a name, a comma and an email address.")
                % {"number": number}
            )
            continue
        if email not in seen:
            seen.add(email)
            people.append((name, email))
    if problems:
        raise ValidationError({"people": problems})
    if not people:
        raise ValidationError(
            {"people": _("Enter at least one person: a name, a comma, an email.")}
        )
    return people


@dataclass
class ClientEnrolment:
    enrolment: m.Enrolment
    new_account: bool
    new_enrolment: bool


def enrol_client_learners(
    *, actor: object, module: m.Module, client: m.Client, people: list[tuple[str, str]]
) -> list[ClientEnrolment]:
    """Enrol a client's people: each gets an account (existing ones are reused), a Learner and an
    Enrolment for the client, and an email with the module link (and, when they have no password
    yet, a link to set one), in their language."""
    access.require(actor, Perm.AUTHOR_ELEARNING, module)
    organisation = module.organisation
    if client.organisation_id != organisation.pk:
        raise ValidationError({"client": _("Choose a client.")})
    if not module.is_published:
        raise ValidationError(_("Publish the module before enrolling people."))
    User = get_user_model()
    results: list[ClientEnrolment] = []
    with transaction.atomic():
        for name, email in people:
            user = User.objects.filter(email__iexact=email).first()
            new_account = user is None
            if new_account:
                user = _new_learner_account(
                    email=email, full_name=name, language=client.language, password=None
                )
            learner = _learner_for(user, organisation, name=name, client=client)
            enrolment, created = m.Enrolment.objects.get_or_create(
                organisation=organisation,
                learner=learner,
                module=module,
                defaults={"enrolled_by": actor, "client": client},
            )
            if not created and enrolment.client_id is None:
                enrolment.client = client
                enrolment.save(update_fields=["client"])
            results.append(ClientEnrolment(enrolment, new_account, created))
            transaction.on_commit(partial(_email_enrolled, user, enrolment))
        audit.record(
            TrainingEvent.CLIENT_LEARNERS_ENROLLED,
            actor=actor,
            organisation=organisation,
            obj=module,
            changes={
                "client": client.pk,
                "enrolments": [r.enrolment.pk for r in results],
                "new_accounts": sum(r.new_account for r in results),
            },
        )
    return results


def _email_enrolled(user, enrolment: m.Enrolment) -> None:
    organisation = enrolment.organisation
    language = user.preferred_language if user.preferred_language in ("en", "cy") else "en"
    with translation.override(language):
        organisation_name = organisation.display_name(language)
        module = enrolment.module
        context = {
            "name": enrolment.learner.name,
            "organisation_name": organisation_name,
            "module_title": m.bilingual(module.title, module.title_cy, language),
            "cpd_hours": module.cpd_hours,
            "module_url": learn_url("training_learn_module", organisation, enrolment.pk),
            "set_password_url": None if user.has_usable_password() else set_password_url(user),
            "sign_in_url": public_url("account_login"),
            "email": user.email,
        }
        subject = _("You are enrolled on %(module)s with %(organisation)s") % {
            "module": context["module_title"],
            "organisation": organisation_name,
        }
        body = render_to_string("training/email/learner_enrolled.txt", context)
    send_mail(subject, body, None, [user.email])
