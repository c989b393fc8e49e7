from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email, validate_slug
from django.db import transaction

from mend.core import actions, queries
from mend.core.models import Organisation
from mend.core.tenancy import organisation_scope


class Command(BaseCommand):
    help = (
        "Create an organisation and invite its first administrator by email. Prints the "
        "invitation link too, for when email is not yet set up."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True, help="Short unique name, e.g. cwm-restorative")
        parser.add_argument("--name-cy", default="", help="The organisation's name in Welsh")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--language", default="en", choices=["en", "cy"])

    def handle(
        self,
        *args: Any,
        name: str,
        slug: str,
        name_cy: str,
        admin_email: str,
        language: str,
        **options: Any,
    ) -> None:
        try:
            validate_slug(slug)
            validate_email(admin_email)
        except Exception as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        if Organisation.objects.filter(slug=slug).exists():
            raise CommandError(f"An organisation with the short name {slug!r} already exists.")
        with transaction.atomic():
            organisation = actions.create_organisation(name=name, slug=slug, name_cy=name_cy)
            with organisation_scope(organisation):
                _invitation, token = actions.invite_first_administrator(
                    organisation=organisation, email=admin_email, language=language
                )
        self.stdout.write(self.style.SUCCESS(f"Created {organisation.name}."))
        self.stdout.write(f"Invitation sent to {admin_email}. Link (works once):")
        self.stdout.write(queries.invitation_url(token))
