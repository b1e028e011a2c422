from django.db import migrations

from core.search import AddSearchVector


class Migration(migrations.Migration):
    dependencies = [("members", "0004_reference_data")]

    operations = [
        AddSearchVector("members_profile"),
        AddSearchVector("members_organisation"),
    ]
