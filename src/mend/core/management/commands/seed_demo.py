from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mend.core import demo
from mend.core.models import Organisation


class Command(BaseCommand):
    help = "Create (or refresh) the demo organisation and print its logins. Demo databases only."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--cases", type=int, default=300, help="How many demo cases (default 300)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            self.stderr.write("Refusing to seed demo accounts with MEND_PRODUCTION on.")
            raise SystemExit(2)
        # The seed sends the emails real use would (agreements, certificates, surveys): keep
        # them in memory rather than printing them, with their PDFs, to the terminal.
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        people = demo.seed()
        # Then each app's seeder (casework, training, ...), registered in its AppConfig.ready.
        organisation = Organisation.objects.get(slug=demo.ORGANISATION[2])
        for seeder in demo.seeders():
            for line in seeder(organisation, options):
                self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Mend demo is ready: " + settings.MEND_BASE_URL))
        self.stdout.write(f"Every demo login uses the password: {demo.DEMO_PASSWORD}")
        self.stdout.write("Two-step sign-in: add the TOTP secret to an authenticator app, or run")
        self.stdout.write(
            "  .venv/bin/python -c 'import pyotp,sys; print(pyotp.TOTP(sys.argv[1]).now())' SECRET"
        )
        self.stdout.write("")
        self.stdout.write(f"{'Email':40} {'Role':24} TOTP secret")
        for person, secret in people:
            self.stdout.write(f"{person.email:40} {person.role:24} {secret}")
        self.stdout.write("")
