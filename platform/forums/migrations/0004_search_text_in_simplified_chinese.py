"""Search now writes Chinese in Simplified characters before cutting it into words (so 電池 finds
电池): threads and posts indexed with Traditional characters are indexed again with the indexing
code of this release."""

from django.db import migrations

from core.search import holds_traditional_chinese


def pks_to_reindex(model) -> list:
    rows = model.objects.exclude(search_text="").values_list("pk", "search_text").iterator()
    return [pk for pk, text in rows if holds_traditional_chinese(text)]


def reindex_traditional_chinese(apps, schema_editor):
    from forums import indexing  # today's code, for the rows found through the historical models
    from forums.models import Post, Thread

    threads = pks_to_reindex(apps.get_model("forums", "Thread"))
    for thread in Thread.objects.filter(pk__in=threads).iterator():
        indexing.index_thread(thread)
    posts = pks_to_reindex(apps.get_model("forums", "Post"))
    for post in Post.objects.filter(pk__in=posts).select_related("thread").iterator():
        indexing.index_post(post)


class Migration(migrations.Migration):
    dependencies = [("forums", "0003_hidden_by_moderators")]

    operations = [
        migrations.RunPython(reindex_traditional_chinese, migrations.RunPython.noop, elidable=True)
    ]
