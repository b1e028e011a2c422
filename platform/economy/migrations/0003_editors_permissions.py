"""The Editors staff group writes, publishes and discards economy updates: it holds the model
permissions that ``economy.access.is_editor`` asks for (and the admin's for updates)."""

from django.db import migrations

from core.group_permissions import DEPENDENCIES, grant

CODENAMES = (
    "add_economyupdate",
    "change_economyupdate",
    "delete_economyupdate",
    "view_economyupdate",
)


class Migration(migrations.Migration):
    dependencies = [("economy", "0002_update_search"), *DEPENDENCIES]

    operations = [grant("Editors", "economy", CODENAMES)]
