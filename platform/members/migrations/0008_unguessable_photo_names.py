import re
import secrets

from django.db import migrations, models, transaction

import members.models

UNGUESSABLE = re.compile(r"photos/[-\w]{32}\.jpg")


def rename_guessable_photos(apps, schema_editor):
    """Photos stored as photos/<member id>/<timestamp>.jpg move to a random name, through the
    storage API; the old files go once the migration has committed."""
    Profile = apps.get_model("members", "Profile")
    storage = Profile._meta.get_field("photo").storage
    for pk, old in Profile.objects.exclude(photo="").values_list("pk", "photo").iterator():
        if UNGUESSABLE.fullmatch(old):
            continue
        new = ""
        if storage.exists(old):
            with storage.open(old) as file:
                new = storage.save(f"photos/{secrets.token_urlsafe(24)}.jpg", file)
            transaction.on_commit(
                lambda old=old: storage.delete(old), using=schema_editor.connection.alias
            )
        Profile.objects.filter(pk=pk).update(photo=new)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_invitation_declined_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="profile",
            name="photo",
            field=models.ImageField(
                blank=True,
                db_index=True,
                upload_to=members.models.photo_path,
                verbose_name="photo",
            ),
        ),
        migrations.RunPython(rename_guessable_photos, migrations.RunPython.noop, elidable=True),
    ]
