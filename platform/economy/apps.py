from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "economy"
    verbose_name = _("Economy updates")

    def ready(self):
        from core.staff_tools import Tool, register
        from economy.access import EDITOR_PERMISSION

        register(
            Tool(
                EDITOR_PERMISSION,
                "economy:desk",
                _("Editor's desk"),
                _("Drafts, imported updates waiting for review, and scheduled ones."),
            )
        )

    def load_demo(self, command):
        from economy.demo import load_demo_updates

        created = load_demo_updates()
        command.stdout.write(f"Demo economy updates: {'created' if created else 'already there'}.")
