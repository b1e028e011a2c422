from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_profile_handle"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="declined_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
