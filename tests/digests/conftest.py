from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import Profile
from tests.digests.factories import make_due, update
from tests.matchmaking.factories import region, sector
from tests.members.factories import UserFactory


def reader(*, language="en", frequency="weekly", **user):
    """An active member following automotive in Toronto, due now."""
    member = UserFactory(language=language, **user)
    profile = member.profile
    profile.sectors.set([sector("automotive")])
    Profile.objects.filter(pk=member.pk).update(
        canadian_region=region("toronto"), last_active_at=timezone.now()
    )
    make_due(member, frequency=frequency)
    return member


def news(count=3, **fields):
    return [
        update(f"Automotive news {n}", sectors=[sector("automotive")], **fields)
        for n in range(count)
    ]


@pytest.fixture
def readers_with_news(db):
    news()
    return [reader(), reader(language="fr"), reader(language="zh-hans")]


@pytest.fixture
def an_hour_ago():
    return timezone.now() - timedelta(hours=1)
