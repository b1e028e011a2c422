"""What goes into a digest, for members built by hand: the right updates, indicators, threads and
requests, nothing from outside their interests, nothing twice across periods, and no digest when
there is too little in it or the member has been away for half a year."""

from datetime import timedelta

import pytest
from django.utils import timezone

from digests import building, services
from digests.models import Delivery, Subscription
from economy.models import EconomyUpdate
from forums.models import Category, CategoryFollow, Thread
from matchmaking.models import HelpRequest
from members.models import Profile
from tests.digests.factories import helpful_thread, indicator, make_due, update
from tests.forums.factories import CategoryFactory
from tests.matchmaking.factories import expert, published, region, sector, sme_member
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A professional in automotive (Toronto, ties to Shanghai), an SME owner in finance with
    a request for automotive experts, and what the week published around them."""
    automotive, mining = sector("automotive"), sector("mining-energy")
    li = expert(
        "Li Wei",
        sectors=[automotive],
        advice_topics=["supplier audits"],
        canadian_region=region("toronto"),
        home_regions=[region("shanghai")],
    )
    owner, sme = sme_member(display_name="Marie Tremblay")
    Profile.objects.filter(pk=owner.pk).update(last_active_at=timezone.now())
    request = published(
        owner, sme, title="Qualifying brake parts for Ontario", sectors=[automotive]
    )
    cpi = indicator(
        "cpi",
        (timezone.localdate() - timedelta(days=40), "0.200000"),
        (timezone.localdate() - timedelta(days=2), "0.500000"),
    )
    Subscription.objects.get(pk=li.pk).indicators.set([cpi])
    auto_forum = CategoryFactory(kind=Category.Kind.SECTOR, sector=automotive, slug="auto")
    followed = CategoryFactory(slug="newcomers")
    staff_only = CategoryFactory(slug="staff", restriction=Category.Restriction.STAFF)
    CategoryFollow.objects.create(member=li.user, category=followed)
    CategoryFollow.objects.create(member=li.user, category=staff_only)
    return {
        "li": li.user,
        "owner": owner,
        "request": request,
        "updates": {
            "sector": update("EV battery plants in Ontario", sectors=[automotive]),
            "both": update(
                "Shanghai carmakers look to Toronto",
                sectors=[automotive],
                regions=[region("toronto")],
            ),
            "region": update("Shanghai port volumes", regions=[region("shanghai")]),
            "other": update("Copper prices", sectors=[mining]),
            "old": update("Old news", sectors=[automotive], ago=timedelta(days=30)),
        },
        "threads": {
            "helpful": helpful_thread(
                auto_forum, "Which audits do Ontario OEMs ask for?", helpful=3
            ),
            "followed": helpful_thread(followed, "Opening a bank account as a newcomer"),
            "silent": helpful_thread(auto_forum, "Nobody answered this one yet", replies=0),
            "staff": helpful_thread(staff_only, "Staff notes on the auto sector", helpful=9),
        },
        "cpi": cpi,
    }


def decided(member, now=None):
    subscription = building.subscriptions_for([member.pk])
    return building.gather(subscription, now=now or timezone.now())[member.pk]


def test_a_professionals_digest_holds_their_updates_indicators_threads_and_requests(world):
    make_due(world["li"])
    contents = decided(world["li"])
    updates = world["updates"]
    assert contents.reason == ""
    # Most relevant first: sector and region, then sector alone, then region alone.
    assert contents.items["updates"] == [
        updates["both"].pk,
        updates["sector"].pk,
        updates["region"].pk,
    ]
    threads = world["threads"]
    assert contents.items["threads"] == [threads["helpful"].pk, threads["followed"].pk]
    assert contents.items["requests"] == {"ids": [world["request"].pk], "room": 3}
    assert contents.items["indicators"][0][0] == world["cpi"].pk
    # 3 updates + 2 threads + 1 request + 1 new indicator value
    assert contents.item_count == 7
    assert contents.period.startswith("w")


def test_at_the_same_weight_updates_in_the_digests_language_come_first(world):
    automotive = sector("automotive")
    french = update("Usines de batteries en Ontario", sectors=[automotive], language="fr")
    english = world["updates"]["sector"]  # as relevant, and newer
    EconomyUpdate.objects.filter(pk=french.pk).update(
        published_at=english.published_at - timedelta(hours=1)
    )
    make_due(world["li"])
    in_english = decided(world["li"]).items["updates"]
    assert in_english.index(english.pk) < in_english.index(french.pk)
    Subscription.objects.filter(pk=world["li"].pk).update(language="fr")
    in_french = decided(world["li"]).items["updates"]
    assert in_french.index(french.pk) < in_french.index(english.pk)
    assert in_french[0] == world["updates"]["both"].pk  # a heavier match still comes first


def test_a_traditional_chinese_reader_reads_simplified_updates_first_too(world):
    automotive = sector("automotive")
    chinese = update("安大略省的电池工厂", sectors=[automotive], language="zh-hans")
    english = world["updates"]["sector"]  # as relevant, and newer
    EconomyUpdate.objects.filter(pk=chinese.pk).update(
        published_at=english.published_at - timedelta(hours=1)
    )
    Subscription.objects.filter(pk=world["li"].pk).update(language="zh-hant")
    make_due(world["li"])
    in_traditional = decided(world["li"]).items["updates"]
    assert in_traditional.index(chinese.pk) < in_traditional.index(english.pk)


def test_nothing_from_outside_their_interests_nor_what_they_may_not_read(world):
    make_due(world["li"])
    items = decided(world["li"]).items
    updates, threads = world["updates"], world["threads"]
    for outside in (updates["other"], updates["old"]):
        assert outside.pk not in items["updates"]
    assert threads["silent"].pk not in items["threads"]
    assert threads["staff"].pk not in items["threads"]


def test_a_professional_at_capacity_is_offered_no_requests(world):
    Profile.objects.filter(pk=world["li"].pk).update(max_open_engagements=0)
    make_due(world["li"])
    assert "requests" not in decided(world["li"]).items


def test_an_smes_member_reads_the_status_of_their_requests(world):
    owner = world["owner"]
    Subscription.objects.filter(pk=owner.pk).update(follows_profile=False)
    Subscription.objects.get(pk=owner.pk).sectors.set([sector("automotive")])
    make_due(owner)
    contents = decided(owner)
    assert contents.items["my_requests"] == [world["request"].pk]
    assert "requests" not in contents.items  # their own SME's request is not offered to them
    [digest] = building.load([contents.items])
    assert digest.my_requests[0].request.status == HelpRequest.Status.OPEN


def test_nothing_shows_twice_across_periods(world):
    li = world["li"]
    make_due(li)
    assert services.claim_batch(member_ids=[li.pk])["claimed"] == 1
    first = Delivery.objects.get(member=li)
    # A week later: one new update; the earlier ones are not shown again.
    fresh = update("New tariffs on auto parts", sectors=[sector("automotive")], ago=timedelta(0))
    later = timezone.now() + timedelta(seconds=1)
    Subscription.objects.filter(pk=li.pk).update(next_due_at=later - timedelta(seconds=1))
    contents = decided(li, now=later)
    assert contents.items["updates"] == [fresh.pk]
    assert not set(contents.items.get("threads", [])) & set(first.items["threads"])
    assert contents.reason == Delivery.Reason.TOO_LITTLE  # one update and an old indicator


def test_a_digest_with_fewer_than_three_items_is_skipped_and_recorded(world):
    quiet = UserFactory()
    Profile.objects.filter(pk=quiet.pk).update(last_active_at=timezone.now())
    make_due(quiet)
    assert services.claim_batch(member_ids=[quiet.pk]) == {"claimed": 0, "skipped": 1, "taken": 0}
    delivery = Delivery.objects.get(member=quiet)
    assert (delivery.status, delivery.reason) == ("skipped", "too_little")
    subscription = Subscription.objects.get(pk=quiet.pk)
    assert subscription.next_due_at > timezone.now()  # not examined again until next period
    assert subscription.queued_at is None


def test_members_away_for_180_days_are_skipped_until_they_return(world):
    li = world["li"]
    Profile.objects.filter(pk=li.pk).update(last_active_at=timezone.now() - timedelta(days=181))
    make_due(li)
    assert decided(li).reason == Delivery.Reason.INACTIVE
    Profile.objects.filter(pk=li.pk).update(last_active_at=timezone.now())
    assert decided(li).reason == ""


def test_no_verified_address_no_digest(world):
    li = world["li"]
    li.emailaddress_set.update(verified=False)
    make_due(li)
    assert decided(li).reason == Delivery.Reason.NO_ADDRESS


def test_scheduled_and_draft_updates_wait(world):
    future = update("Not yet", sectors=[sector("automotive")], ago=-timedelta(hours=1))
    draft = update("A draft", sectors=[sector("automotive")])
    EconomyUpdate.objects.filter(pk=draft.pk).update(status=EconomyUpdate.Status.DRAFT)
    make_due(world["li"])
    shown = decided(world["li"]).items["updates"]
    assert future.pk not in shown
    assert draft.pk not in shown


def test_a_subscription_that_does_not_follow_the_profile_uses_its_own_choices(world):
    li = world["li"]
    subscription = make_due(li)
    subscription.follows_profile = False
    subscription.save()
    subscription.sectors.set([sector("mining-energy")])
    assert decided(li).items["updates"] == [world["updates"]["other"].pk]


def test_a_thread_started_before_the_window_is_not_news(world):
    li = world["li"]
    Thread.objects.filter(pk=world["threads"]["helpful"].pk).update(
        created_at=timezone.now() - timedelta(days=20)
    )
    make_due(li)
    assert world["threads"]["helpful"].pk not in decided(li).items["threads"]
