from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """Django's makemessages, reading the Jinja2 fragments (``.jinja``, see ``core.jinja``) as it
    reads Django templates: they mark text with ``_("…")`` only, which both understand."""

    def handle(self, *args, **options):
        options["extensions"] = [*(options.get("extensions") or ["html", "txt", "py"]), "jinja"]
        return super().handle(*args, **options)
