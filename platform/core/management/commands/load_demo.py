from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load the demo data of every app (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data has known passwords and is never loaded in production.")
        # An app offers demo data with a `load_demo(command)` method on its AppConfig; apps load in
        # INSTALLED_APPS order, so the forums find the members they write as.
        for config in apps.get_app_configs():
            if hasattr(config, "load_demo"):
                config.load_demo(self)
