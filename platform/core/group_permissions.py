"""Data migrations that give a staff group (``settings.STAFF_GROUPS``) an app's permissions.

``grant(group, app_label, codenames)`` is a ``RunPython`` operation, reversible; the permissions
are made first, since Django makes them only after the last migration (post_migrate)."""

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

DEPENDENCIES = [
    ("members", "0002_staff_groups"),
    ("auth", "0012_alter_user_first_name_max_length"),
    ("contenttypes", "0002_remove_content_type_name"),
]


def grant(group: str, app_label: str, codenames: tuple[str, ...]) -> migrations.RunPython:
    def permissions(apps):
        return apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )

    def forwards(apps, schema_editor):
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, apps=apps)
        if group not in settings.STAFF_GROUPS:
            return
        the_group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=group)
        the_group.permissions.add(*permissions(apps))

    def backwards(apps, schema_editor):
        the_group = apps.get_model("auth", "Group").objects.filter(name=group).first()
        if the_group is not None:
            the_group.permissions.remove(*permissions(apps))

    return migrations.RunPython(forwards, backwards)
