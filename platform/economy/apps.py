from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "economy"
    verbose_name = _("Economy updates")

    def load_demo(self, command):
        from economy.demo import load_demo_updates

        created = load_demo_updates()
        command.stdout.write(f"Demo economy updates: {'created' if created else 'already there'}.")
