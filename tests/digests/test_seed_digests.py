"""The digests' scale data set: a subscription for every member without one, due as the services
would make it, and none replaced."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from digests import schedule
from digests.models import Subscription
from members.models import User

pytestmark = pytest.mark.django_db


def test_every_member_gets_one_due_as_the_services_say():
    call_command("seed_scale", members=40, organisations=3, verbosity=0, stdout=StringIO())
    Subscription.objects.all().delete()
    kept = Subscription.objects.create(
        member=User.objects.first(), time_zone="Asia/Shanghai", frequency="daily"
    )
    call_command("seed_digests", verbosity=0, stdout=StringIO())
    assert Subscription.objects.count() == User.objects.count()
    kept.refresh_from_db()
    assert (kept.time_zone, kept.frequency) == ("Asia/Shanghai", "daily")
    now = timezone.now()
    frequencies = set()
    for subscription in Subscription.objects.exclude(pk=kept.pk).select_related(
        "member__profile__canadian_region"
    ):
        region = subscription.member.profile.canadian_region
        assert subscription.time_zone == ((region and region.time_zone) or "America/Toronto")
        frequencies.add(subscription.frequency)
        if subscription.frequency == "off":
            assert subscription.next_due_at is None
        else:
            assert now < subscription.next_due_at <= schedule.next_of(subscription, after=now)
    assert {"weekly", "daily"} <= frequencies


def test_running_it_again_adds_nothing():
    call_command("seed_scale", members=10, organisations=2, verbosity=0, stdout=StringIO())
    call_command("seed_digests", verbosity=0, stdout=StringIO())
    before = list(Subscription.objects.order_by("pk").values_list("pk", "next_due_at"))
    output = StringIO()
    call_command("seed_digests", stdout=output)
    assert "0 new" in output.getvalue()
    assert list(Subscription.objects.order_by("pk").values_list("pk", "next_due_at")) == before
