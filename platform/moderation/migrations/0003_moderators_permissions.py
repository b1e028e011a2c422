"""The Moderators staff group works the moderation queue: it holds the permission that
``moderation.access.is_moderator`` asks for."""

from django.db import migrations

from core.group_permissions import DEPENDENCIES, grant


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_cases_and_sanctions"), *DEPENDENCIES]

    operations = [grant("Moderators", "moderation", ("moderate",))]
