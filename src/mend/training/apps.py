from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "mend.training"
    label = "training"
    verbose_name = "Training business"

    def ready(self) -> None:
        from mend.training import access, signals  # noqa: F401 - registers row rules and receivers
