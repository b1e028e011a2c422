"""Profiles get a random public handle, so that their addresses are not a counter to walk; a
hidden profile is read only by its member's organisations and staff."""

from django.db import migrations, models

import members.models


def give_every_profile_a_handle(apps, schema_editor):
    Profile = apps.get_model("members", "Profile")
    taken = set()
    batch = []
    for profile in Profile.objects.only("pk").iterator(chunk_size=2000):
        handle = members.models.new_handle()
        while handle in taken:
            handle = members.models.new_handle()
        taken.add(handle)
        profile.handle = handle
        batch.append(profile)
        if len(batch) == 2000:
            Profile.objects.bulk_update(batch, ["handle"])
            batch = []
    Profile.objects.bulk_update(batch, ["handle"])


class Migration(migrations.Migration):
    dependencies = [("members", "0005_search_vectors")]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="handle",
            field=models.CharField(max_length=10, null=True),
        ),
        migrations.RunPython(give_every_profile_a_handle, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="profile",
            name="handle",
            field=models.CharField(
                default=members.models.new_handle, max_length=10, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="profile",
            name="listing",
            field=models.CharField(
                choices=[
                    ("public", "Public: anyone can find and read my profile"),
                    ("members", "Members only: signed-in members can find and read it"),
                    (
                        "hidden",
                        "Hidden: only the members of my organisations (and staff) can read it",
                    ),
                ],
                default="members",
                max_length=10,
                verbose_name="who can find my profile",
            ),
        ),
    ]
