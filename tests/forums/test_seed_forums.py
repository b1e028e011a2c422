"""The forums' scale data set, made tiny: counts, long threads, three languages, text the search
finds, counters as the services keep them, readers with something unread, and refusals."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Sum

from core import search
from forums import indexing
from forums.models import Category, Post, ReadPosition, Tag, Thread, ThreadFollow
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def members():
    return [UserFactory(language=language) for language in ("en", "fr", "zh-hans") * 5]


def seed(**options):
    defaults = {"threads": 30, "posts": 400, "long_threads": 1, "long_size": 100, "readers": 5}
    call_command("seed_forums", verbosity=0, stdout=StringIO(), **(defaults | options))


def test_counts_long_threads_and_languages(members):
    seed()
    assert Thread.objects.count() == 30
    assert Post.objects.count() == 400
    assert Thread.objects.filter(post_count=100).count() >= 1
    assert set(Post.objects.values_list("language", flat=True)) == {"en", "fr", "zh-hans"}
    # Posts are numbered 1, 2 … in each thread, in the order they were written.
    for thread in Thread.objects.annotate(written=Count("posts"), last=Max("posts__number")):
        assert thread.written == thread.post_count == thread.last
        times = list(thread.posts.order_by("number").values_list("created_at", flat=True))
        assert times == sorted(times)
        assert thread.last_posted_at == times[-1]
        assert thread.created_at == times[0]


def test_counters_are_what_the_services_keep(members):
    seed()
    for category in Category.objects.all():
        threads = Thread.objects.filter(category=category)
        assert category.thread_count == threads.count()
        assert category.post_count == Post.objects.filter(thread__in=threads).count()
    for thread in Thread.objects.all()[:10]:
        helpful = thread.posts.aggregate(total=Sum("helpful_count"))["total"]
        assert thread.helpful_count == helpful
    for tag in Tag.objects.filter(thread_count__gt=0):
        assert tag.thread_count == tag.threads.count()


def test_search_finds_words_from_the_data_in_every_language(members):
    seed()
    chinese = Post.objects.filter(language="zh-hans").first()
    word = next(token for token in chinese.search_text.split() if HAN.search(token))
    assert chinese in search.search(Post.objects.all(), word)
    french = Post.objects.filter(language="fr").first()
    assert french in search.search(Post.objects.all(), french.body.split()[0])
    opening = Post.objects.filter(number=1).select_related("thread").first()
    title_word = opening.thread.title.split()[-1]
    assert opening in search.search(Post.objects.all(), title_word)


def test_search_text_and_tokens_are_what_indexing_computes(members):
    """Stored words and tokens are those the services' indexing writes, opening posts (title
    and tags) included."""
    seed()
    seeded = {post.pk: (post.search_text, post.tokens) for post in Post.objects.all()}
    threads = dict(Thread.objects.values_list("pk", "search_text"))
    for thread in Thread.objects.prefetch_related("tags"):
        indexing.index_thread(thread)
        assert sorted(threads[thread.pk].split()) == sorted(thread.search_text.split())
    for post in Post.objects.select_related("thread").prefetch_related("thread__tags"):
        indexing.index_post(post)
        text, tokens = seeded[post.pk]
        assert sorted(text.split()) == sorted(post.search_text.split()), post.pk
        assert tokens == post.tokens, post.pk


def test_some_readers_have_unread_posts(members):
    seed()
    assert ReadPosition.objects.exists()
    assert ThreadFollow.objects.exists()
    unread = [
        position
        for position in ReadPosition.objects.select_related("thread")
        if position.unread_in(position.thread)
    ]
    assert unread


def test_refuses_without_members_or_twice_unless_forced(members):
    seed()
    with pytest.raises(CommandError, match="--force"):
        seed()
    seed(force=True, threads=5, posts=20, long_threads=0)
    assert Post.objects.count() == 20


def test_refuses_without_members():
    with pytest.raises(CommandError, match="seed_scale"):
        seed()
