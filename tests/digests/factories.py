"""Digest test data: economy updates filed as the Editors' pages file them, indicators with
values, and members whose digest is due now."""

from datetime import date, timedelta

from django.utils import timezone

from digests.models import Subscription
from economy.indexing import index_update
from economy.models import EconomyUpdate, Indicator, IndicatorValue
from tests.forums.factories import PostFactory, ThreadFactory


def update(title: str, *, sectors=(), regions=(), ago=timedelta(hours=2), **fields):
    """A published economy update, ``ago`` before now, filed under these sectors and regions."""
    row = EconomyUpdate.objects.create(
        title=title,
        summary=fields.pop("summary", f"What {title} means for members."),
        language=fields.pop("language", "en"),
        status=EconomyUpdate.Status.PUBLISHED,
        published_at=timezone.now() - ago,
        **fields,
    )
    row.sectors.set(sectors)
    row.city_regions.set(regions)
    index_update(row)
    return row


def indicator(slug: str, *values: tuple[date, str]) -> Indicator:
    row = Indicator.objects.create(
        slug=slug, name_en=slug.upper(), name_fr=slug.upper(), name_zh_hans=slug.upper(), unit="%"
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=row, date=day, value=value) for day, value in values
    )
    return row


def helpful_thread(category, title: str, *, replies: int = 1, helpful: int = 0, **fields):
    thread = ThreadFactory(category=category, title=title, **fields)
    for _reply in range(replies):
        PostFactory(thread=thread)
    if helpful:
        type(thread).objects.filter(pk=thread.pk).update(helpful_count=helpful)
    thread.refresh_from_db()
    return thread


def make_due(member, *, frequency="weekly", ago=timedelta(minutes=1), **fields) -> Subscription:
    """The member's subscription, due ``ago`` before now."""
    Subscription.objects.filter(pk=member.pk).update(
        frequency=frequency, next_due_at=timezone.now() - ago, queued_at=None, **fields
    )
    return Subscription.objects.get(pk=member.pk)
