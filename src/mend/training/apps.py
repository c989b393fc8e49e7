from django.apps import AppConfig


def _seed_demo(organisation, options) -> list[str]:
    from mend.training import demo

    return demo.seed_for_command(organisation, options)


def _learning(request):
    """A person's e-learning in every organisation they learn with (no membership needed)."""
    from mend.core.web import current_language
    from mend.training.models import Learner

    learning = [
        (learner.organisation.display_name(current_language()), learner.organisation.slug)
        for learner in Learner.across_organisations.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    ]
    return {"learning": learning} if learning else None


class TrainingConfig(AppConfig):
    name = "mend.training"
    label = "training"
    verbose_name = "Training business"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from mend.core import audit, demo
        from mend.core.panels import Panel, register_home_panel, register_no_organisation_panel
        from mend.training import access, signals  # noqa: F401 - registers row rules and receivers
        from mend.training.events import TrainingEvent

        audit.register_codes(TrainingEvent)
        register_home_panel(Panel("training/home_panel.html", order=20))
        register_no_organisation_panel(
            Panel(
                "training/learn/no_organisation_panel.html",
                context=_learning,
                title=_("Your learning"),
            )
        )
        demo.register_seeder(_seed_demo, order=20)
