"""Search now writes Chinese in Simplified characters before cutting it into words (so 電池 finds
电池): economy updates indexed with Traditional characters are indexed again with the indexing
code of this release."""

from django.db import migrations

from core.search import holds_traditional_chinese


def reindex_traditional_chinese(apps, schema_editor):
    from economy.indexing import index_update  # today's code, for the rows found historically
    from economy.models import EconomyUpdate

    rows = apps.get_model("economy", "EconomyUpdate").objects.exclude(search_text="")
    pks = [
        pk for pk, text in rows.values_list("pk", "search_text") if holds_traditional_chinese(text)
    ]
    for update in EconomyUpdate.objects.filter(pk__in=pks).iterator():
        index_update(update)


class Migration(migrations.Migration):
    dependencies = [("economy", "0003_editors_permissions")]

    operations = [
        migrations.RunPython(reindex_traditional_chinese, migrations.RunPython.noop, elidable=True)
    ]
