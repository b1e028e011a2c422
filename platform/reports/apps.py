from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core.staff_tools import Tool, register
        from reports.access import PERMISSION

        register(
            Tool(
                PERMISSION,
                "reports:dashboard",
                _("Reports"),
                _("What the network achieves, for a date range: charts, the network and exports."),
            )
        )
