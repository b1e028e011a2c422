"""Search now writes Chinese in Simplified characters before cutting it into words (so 電池 finds
电池): profiles and organisations indexed with Traditional characters are indexed again with the
indexing code of this release."""

from django.db import migrations

from core.search import holds_traditional_chinese

BATCH = 500


def pks_to_reindex(model) -> list:
    rows = model.objects.exclude(search_text="").values_list("pk", "search_text").iterator()
    return [pk for pk, text in rows if holds_traditional_chinese(text)]


def reindex_traditional_chinese(apps, schema_editor):
    from members import indexing  # today's code, for the rows found through the historical models

    for reindex, model in (
        (indexing.reindex_profiles, apps.get_model("members", "Profile")),
        (indexing.reindex_organisations, apps.get_model("members", "Organisation")),
    ):
        pks = pks_to_reindex(model)
        for start in range(0, len(pks), BATCH):
            reindex(pks[start : start + BATCH])


class Migration(migrations.Migration):
    dependencies = [("members", "0015_taking_requests_with_region")]

    operations = [
        migrations.RunPython(reindex_traditional_chinese, migrations.RunPython.noop, elidable=True)
    ]
