"""The Editors staff group writes, publishes and discards economy updates: it holds the model
permissions that ``economy.access.is_editor`` asks for (and the admin's for updates)."""

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CODENAMES = (
    "add_economyupdate",
    "change_economyupdate",
    "delete_economyupdate",
    "view_economyupdate",
)


def grant_editors(apps, schema_editor):
    # Permissions are made after the last migration (post_migrate); make economy's now.
    create_permissions(global_apps.get_app_config("economy"), verbosity=0, apps=apps)
    if EDITORS not in settings.STAFF_GROUPS:
        return
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=EDITORS)
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="economy", codename__in=CODENAMES
    )
    group.permissions.add(*permissions)


def revoke_editors(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=EDITORS).first()
    if group is None:
        return
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="economy", codename__in=CODENAMES
    )
    group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("economy", "0002_update_search"),
        ("members", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_editors, revoke_editors)]
