"""The Administrators staff group reads the reports: it holds ``reports.view_reports``, which
``reports.access.can_view_reports`` asks for."""

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATORS = "Administrators"
CODENAMES = ("view_reports",)


def grant_administrators(apps, schema_editor):
    # Permissions are made after the last migration (post_migrate); make reports' now.
    create_permissions(global_apps.get_app_config("reports"), verbosity=0, apps=apps)
    if ADMINISTRATORS not in settings.STAFF_GROUPS:
        return
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=ADMINISTRATORS)
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="reports", codename__in=CODENAMES
    )
    group.permissions.add(*permissions)


def revoke_administrators(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ADMINISTRATORS).first()
    if group is None:
        return
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="reports", codename__in=CODENAMES
    )
    group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("members", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_administrators, revoke_administrators)]
