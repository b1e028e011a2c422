"""Building a batch of digests, and the digest pages, cost a fixed number of queries whatever
the number of members in the batch and the data around them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digests import building, services
from digests.access import unsubscribe_token, view_token
from digests.models import Delivery, Subscription
from forums.models import Category, CategoryFollow
from tests.digests.conftest import news, reader
from tests.digests.factories import helpful_thread, indicator
from tests.forums.factories import CategoryFactory
from tests.matchmaking.factories import expert, published, sector, sme_member
from tests.members.factories import UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

# subscriptions and their three choices (4), profiles and their four lists (5), updates,
# indicators, the forum's follows, categories, facilitators and threads (6), the requests'
# engagements under way, candidates, memberships and invitations (4), the SMEs' memberships and
# requests (2); then reading the chosen rows back (5).
MAX_BUILD_QUERIES = 26
MAX_PAGE_QUERIES = 18  # the settings page: its form's three lists of choices


def world(size: int) -> list:
    """``size`` members of every kind (readers, professionals, SME owners) with news, threads,
    indicators and requests around them."""
    automotive = sector("automotive")
    news(size)
    forum = CategoryFactory(kind=Category.Kind.SECTOR, sector=automotive)
    for n in range(size):
        helpful_thread(forum, f"Helpful thread number {n} about audits", helpful=n)
    cpi = indicator(
        f"cpi-{size}", (timezone.localdate(), "1.5"), (timezone.localdate().replace(day=1), "1")
    )
    members = []
    for n in range(size):
        member = reader()
        Subscription.objects.get(pk=member.pk).indicators.set([cpi])
        CategoryFollow.objects.create(member=member, category=forum)
        members.append(member)
        professional = expert(f"Expert {n}", sectors=[automotive], advice_topics=["audits"])
        owner, sme = sme_member()
        published(owner, sme, sectors=[automotive])
        for other in (professional.user, owner):
            Subscription.objects.filter(pk=other.pk).update(next_due_at=timezone.now())
            members.append(other)
    return members


def queries_to_build(members) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        subscriptions = building.subscriptions_for([m.pk for m in members])
        decided = building.gather(subscriptions, now=timezone.now())
        building.load([contents.items for contents in decided.values()])
    return len(captured), decided


def test_building_a_batch_costs_the_same_queries_for_3_or_30_members_of_every_kind():
    small, _decided = queries_to_build(world(1))
    Delivery.objects.all().delete()
    large_members = world(10)
    large, decided_large = queries_to_build(large_members)
    assert small == large <= MAX_BUILD_QUERIES
    assert all(c.items for c in decided_large.values())  # every section had data to read
    sections = set().union(*(c.items.keys() for c in decided_large.values()))
    assert sections == {"updates", "indicators", "threads", "requests", "my_requests"}


def test_sending_a_batch_costs_a_fixed_number_of_queries_per_member(settings):
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    news()
    small = [reader() for _ in range(2)]
    large = [reader() for _ in range(8)]
    counts = []
    for batch in (small, large):
        with CaptureQueriesContext(connection) as captured:
            services.send_batch(member_ids=[m.pk for m in batch])
        counts.append(len(captured))
    per_member = (counts[1] - counts[0]) / (len(large) - len(small))
    fixed = counts[0] - per_member * len(small)
    assert per_member <= 16  # claim: lock, insert, advance; send: lock, mark sent (+ savepoints)
    assert fixed <= MAX_BUILD_QUERIES + 4
    assert Delivery.objects.filter(status="sent").count() == 10


def page_queries(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def counts_of_the_pages(client, member) -> dict[str, int]:
    delivery = Delivery.objects.get(member=member, status="sent")
    client.force_login(with_authenticator(UserFactory(is_staff=True)))
    counts = {
        "log": page_queries(client, "/digests/deliveries/"),
        "log filtered": page_queries(client, "/digests/deliveries/?status=sent"),
        "settings": page_queries(client, "/digests/settings/"),
    }
    client.logout()
    counts["view"] = page_queries(client, f"/digests/view/{view_token(delivery)}/")
    counts["unsubscribe"] = page_queries(
        client, f"/digests/unsubscribe/{unsubscribe_token(delivery.member)}/"
    )
    return counts


def test_pages_cost_the_same_whatever_the_data(client):
    seen, watched = [], None
    for size in (1, 7):
        members = world(size)
        watched = watched or members[1]  # a professional: updates, threads and requests
        # The preview, with every section of theirs filled: all the data is news to them.
        Subscription.objects.filter(pk=watched.pk).update(last_sent_at=None)
        client.force_login(watched)
        preview = page_queries(client, "/digests/preview/")
        services.send_batch(member_ids=[m.pk for m in members])
        seen.append(counts_of_the_pages(client, watched) | {"preview": preview})
    assert seen[0] == seen[1]
    preview = seen[1].pop("preview")
    assert preview <= MAX_BUILD_QUERIES + 4  # it builds the digest: a batch of one
    assert max(seen[1].values()) <= MAX_PAGE_QUERIES
