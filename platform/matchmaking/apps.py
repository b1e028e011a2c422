from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self):
        from matchmaking import kinds  # noqa: F401 - notification kinds

    def load_demo(self, command):
        from matchmaking.demo import load_demo_requests

        created = load_demo_requests()
        command.stdout.write(f"Demo help requests: {'created' if created else 'already there'}.")
