"""The Administrators staff group reads the reports: it holds ``reports.view_reports``, which
``reports.access.can_view_reports`` asks for."""

from django.db import migrations

from core.group_permissions import DEPENDENCIES, grant


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), *DEPENDENCIES]

    operations = [grant("Administrators", "reports", ("view_reports",))]
