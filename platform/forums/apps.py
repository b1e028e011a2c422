from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self):
        from forums import kinds, signals  # noqa: F401 - notification kinds, signal receivers

    def load_demo(self, command):
        from forums.demo import load_demo_threads

        created, existing = load_demo_threads()
        command.stdout.write(f"Demo threads: {created} created, {existing} already there.")
