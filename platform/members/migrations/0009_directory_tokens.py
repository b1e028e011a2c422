"""The directory files every profile under tokens (members.directory.tokens_of), GIN-indexed on
PostgreSQL; its search text now names tied city-regions in every language. Both are computed for
existing profiles with the indexing code of this release."""

from django.db import migrations, models

from core.search import AddTokenVector


def reindex_existing_profiles(apps, schema_editor):
    from members import indexing  # today's code: tokens are computed as the services do

    Profile = apps.get_model("members", "Profile")
    ids = list(Profile.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        indexing.reindex_profiles(ids[start : start + 1000])


class Migration(migrations.Migration):
    dependencies = [("members", "0008_unguessable_photo_names")]

    operations = [
        migrations.RemoveIndex(model_name="profile", name="profile_listing_active"),
        migrations.AddField(
            model_name="profile",
            name="tokens",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="profile",
            name="findable_as",
            field=models.CharField(blank=True, editable=False, max_length=10),
        ),
        migrations.AddIndex(
            model_name="profile",
            index=models.Index(fields=["-last_active_at", "-user"], name="profile_recently_active"),
        ),
        AddTokenVector("members_profile"),
        migrations.RunPython(reindex_existing_profiles, migrations.RunPython.noop),
    ]
