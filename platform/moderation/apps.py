from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        from core.staff_tools import Tool, register
        from moderation import kinds, signals  # noqa: F401 - registers kinds and receivers
        from moderation.models import PERMISSION

        register(
            Tool(
                PERMISSION,
                "moderation:queue",
                _("Moderation queue"),
                _("Flagged posts, threads, profiles and messages waiting for a decision."),
            )
        )
