from django.apps import AppConfig


def _seed_demo(organisation, options) -> list[str]:
    from mend.cases import demo

    return demo.seed_for_command(organisation, options)


class CasesConfig(AppConfig):
    name = "mend.cases"
    label = "cases"
    verbose_name = "Casework"

    def ready(self) -> None:
        from mend.cases import access, signals  # noqa: F401 - registers row rules and receivers
        from mend.cases.events import CaseEvent
        from mend.cases.models import Case
        from mend.core import audit, demo
        from mend.core.panels import Panel, register_home_panel

        audit.register_codes(CaseEvent)
        audit.register_auditable(Case)
        register_home_panel(Panel("cases/casework/home_panel.html", order=10))
        register_home_panel(Panel("cases/referrals/home_panel.html", order=30))
        demo.register_seeder(_seed_demo, order=10)
