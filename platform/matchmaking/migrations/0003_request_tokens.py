"""Help requests are filed under tokens ("requests for you"), GIN-indexed on PostgreSQL."""

from django.db import migrations, models

from core.search import AddTokenVector


class Migration(migrations.Migration):
    dependencies = [("matchmaking", "0002_engagements")]

    operations = [
        migrations.AddField(
            model_name="helprequest",
            name="tokens",
            field=models.TextField(blank=True, editable=False),
        ),
        AddTokenVector("matchmaking_helprequest"),
    ]
