"""core.prepared: a read compiled once per shape gives what the ORM gives, for every argument."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.prepared import Prepared, columns, instance
from forums.models import Category, Thread
from members.models import Profile
from tests.forums.factories import CategoryFactory, ThreadFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

FIELDS = ("id", "title", "post_count", "last_posted_at", "category__slug")


def threads_query(shape, *, slug, since, least_posts):
    """Threads of a category (by slug), active since a time, with at least some posts."""
    threads = Thread.objects.filter(category__slug=slug, post_count__gte=least_posts)
    if since is not None:
        threads = threads.filter(last_posted_at__gte=since)
    return threads.order_by("-last_posted_at", "-id").values(*FIELDS)[:shape]


@pytest.fixture
def threads():
    now = timezone.now()
    for slug in ("tax", "税务"):
        category = CategoryFactory(slug=slug)
        for days, posts in ((1, 1), (3, 4), (10, 2), (40, 7)):
            thread = ThreadFactory(category=category, title=f"{slug} {days}")
            Thread.objects.filter(pk=thread.pk).update(
                last_posted_at=now - timedelta(days=days), post_count=posts
            )
    return now


ARGUMENTS = [
    {"slug": "tax", "since": None, "least_posts": 1},
    {"slug": "税务", "since": None, "least_posts": 3},
    {"slug": "tax", "days": 5, "least_posts": 1},
    {"slug": "税务", "days": 20, "least_posts": 2},
    {"slug": "nowhere", "days": 20, "least_posts": 1},
]


def test_rows_are_what_values_gives_for_every_argument(threads):
    builds = []

    def counted(shape, **arguments):
        builds.append(shape)
        return threads_query(shape, **arguments)

    prepared = Prepared(counted)
    for given in ARGUMENTS:
        days = given.pop("days", None)
        if days is not None:
            given["since"] = threads - timedelta(days=days)
        with CaptureQueriesContext(connection) as queries:
            rows = prepared.rows(10, **given)
        assert rows == list(threads_query(10, **given)), given
        assert len(queries) == 1
    # Compiled once for the reads without a time and once for those with one.
    assert len(builds) == 2


def test_the_shape_is_compiled_on_its_own(threads):
    prepared = Prepared(threads_query)
    assert len(prepared.rows(1, slug="tax", since=None, least_posts=1)) == 1
    assert len(prepared.rows(3, slug="tax", since=None, least_posts=1)) == 3


def test_an_argument_a_lookup_rewrites_is_refused():
    def containing(shape, *, text):
        return Thread.objects.filter(title__icontains=text).values("id")

    with pytest.raises(ValueError, match="text"):
        Prepared(containing).rows(None, text="tax")


@pytest.mark.parametrize("value", [True, 1.5, ["tax"], b"tax"])
def test_only_ints_strings_and_times_are_arguments(value):
    with pytest.raises(TypeError):
        Prepared(threads_query).rows(10, slug=value, since=None, least_posts=1)


def test_instances_are_the_objects_the_orm_makes(threads):
    expected = Thread.objects.select_related("category").filter(category__slug="tax").first()
    read = Prepared(
        lambda shape, *, pk: Thread.objects.filter(pk=pk).values(
            *columns(Thread), *columns(Category, "category__")
        )
    )
    (row,) = read.rows(None, pk=expected.pk)
    thread, category = instance(Thread, row), instance(Category, row, "category__")
    for field in Thread._meta.concrete_fields:
        assert getattr(thread, field.attname) == getattr(expected, field.attname), field
    assert category == expected.category
    assert category.name == expected.category.name
    assert not thread._state.adding
    assert thread._state.db == "default"
    partial = instance(Thread, {"id": expected.pk, "title": expected.title})
    assert partial.get_deferred_fields() >= {"post_count", "search_text"}
    assert partial.post_count == expected.post_count  # read when asked, as .only() would


def test_postgresql_keeps_the_plan_of_a_read(threads):
    """On PostgreSQL the read is a prepared statement, planned once per connection; SQLite,
    which has none, runs it as any query."""
    prepared = Prepared(threads_query)
    for days in (1, 2, 3):
        since = threads - timedelta(days=days)
        assert prepared.rows(10, slug="tax", since=since, least_posts=1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            )
            plans = {statement: (generic, custom) for statement, generic, custom in cursor}
        [read] = [text for text in plans if '"forums_category"."slug" = $1' in text]
        assert plans[read] == (3, 0)  # one generic plan, used at each run; none made per run


def fields_of(made) -> dict:
    return {name: value for name, value in vars(made).items() if name != "_state"}


@pytest.mark.parametrize("listening", [False, True])
def test_an_instance_holds_what_the_orm_s_instance_holds(threads, listening):
    """Made directly, or through ``from_db`` where init signals listen, as the ORM makes it."""
    heard = []

    def hear(sender, instance, **kwargs):
        heard.append(instance)

    expected = Thread.objects.filter(category__slug="税务").first()
    (row,) = Prepared(
        lambda shape, *, pk: Thread.objects.filter(pk=pk).values(*columns(Thread))
    ).rows(None, pk=expected.pk)
    if listening:
        post_init.connect(hear, sender=Thread)
    try:
        made = instance(Thread, row)
    finally:
        post_init.disconnect(hear, sender=Thread)
    assert fields_of(made) == fields_of(expected)
    assert (made._state.adding, made._state.db) == (False, "default")
    assert heard == ([made] if listening else [])
    made.title = "Renamed"
    made.save(update_fields=["title"])  # an update, as for any instance read from the database
    assert Thread.objects.get(pk=expected.pk).title == "Renamed"


def test_a_file_field_reads_as_the_orm_s(db):
    profile = UserFactory().profile
    Profile.objects.filter(pk=profile.pk).update(photo="photos/portrait.webp")
    expected = Profile.objects.get(pk=profile.pk)
    (row,) = Prepared(
        lambda shape, *, pk: Profile.objects.filter(pk=pk).values(*columns(Profile))
    ).rows(None, pk=profile.pk)
    made = instance(Profile, row)
    assert fields_of(made) == fields_of(expected)
    assert made.photo.name == "photos/portrait.webp"
    assert made.photo.url == expected.photo.url
