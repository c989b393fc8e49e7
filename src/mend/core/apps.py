from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mend.core"
    label = "core"
    verbose_name = "Mend core"

    def ready(self) -> None:
        from mend.core import auth  # noqa: F401 - connects the sign-in audit receivers
