from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "mend.cases"
    label = "cases"
    verbose_name = "Casework"

    def ready(self) -> None:
        from mend.cases import access, signals  # noqa: F401 - registers row rules and receivers
