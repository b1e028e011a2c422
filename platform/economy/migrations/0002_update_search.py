"""Economy updates are searched by their words and filtered by their tokens (sectors,
city-regions, language), each through a GIN index on PostgreSQL (``core.search``)."""

from django.db import migrations

from core.search import AddSearchVector, AddTokenVector


class Migration(migrations.Migration):
    dependencies = [("economy", "0001_initial")]

    operations = [
        AddSearchVector("economy_economyupdate"),
        AddTokenVector("economy_economyupdate"),
    ]
