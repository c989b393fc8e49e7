from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mend.core"
    label = "core"
    verbose_name = "Mend core"

    def ready(self) -> None:
        from mend.core import audit, auth  # noqa: F401 - auth connects the sign-in audit receivers
        from mend.core.models import Invitation, Membership, Team

        audit.register_auditable(Membership, Team, Invitation)
