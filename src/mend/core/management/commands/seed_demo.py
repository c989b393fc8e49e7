from django.conf import settings
from django.core.management.base import BaseCommand

from mend.core import demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo organisation and print its logins. Demo databases only."

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            self.stderr.write("Refusing to seed demo accounts with MEND_PRODUCTION on.")
            raise SystemExit(2)
        people = demo.seed()
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
