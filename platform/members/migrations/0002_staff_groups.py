from django.conf import settings
from django.db import migrations


def create_staff_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for name in settings.STAFF_GROUPS:
        group_model.objects.get_or_create(name=name)


def delete_staff_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=settings.STAFF_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_staff_groups, delete_staff_groups)]
