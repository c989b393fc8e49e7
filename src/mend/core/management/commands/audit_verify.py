from typing import Any

from django.core.management.base import BaseCommand

from mend.core import audit
from mend.core.models import AuditEvent


class Command(BaseCommand):
    help = "Check every audit chain for edited, deleted or inserted events. Exits 1 on any problem."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit.verify_chains()
        if problems:
            for problem in problems:
                self.stderr.write(self.style.ERROR(problem))
            self.stderr.write(
                self.style.ERROR(f"Audit log FAILED verification: {len(problems)} problem(s).")
            )
            raise SystemExit(1)
        count = AuditEvent.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Audit log verified: {count} events, every chain intact.")
        )
