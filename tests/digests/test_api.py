"""The digest subscription API: the caller's own, through the same service as the page; per
role; hostile input answered 400 naming the field."""

import pytest
from rest_framework.test import APIClient

from digests.models import ConsentEvent, Subscription
from economy.models import Indicator
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/digest-subscription/"


@pytest.fixture
def api():
    return APIClient()


def test_visitors_get_401(api):
    assert api.get(URL).status_code == 401
    assert api.patch(URL, {"frequency": "off"}, format="json").status_code == 401


def test_a_member_reads_and_changes_only_their_own(api):
    member, other = UserFactory(), UserFactory()
    api.force_authenticate(member)
    body = api.get(URL).json()
    assert body["frequency"] == "weekly"
    assert body["next_due_at"]
    indicator = Indicator.objects.create(
        slug="pmi", name_en="PMI", name_fr="PMI", name_zh_hans="采购经理指数"
    )
    response = api.patch(
        URL,
        {
            "frequency": "monthly",
            "day_of_month": 15,
            "time_zone": "America/Vancouver",
            "follows_profile": False,
            "sectors": ["automotive"],
            "city_regions": ["vancouver"],
            "indicators": [indicator.slug],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["frequency"] == "monthly"
    mine = Subscription.objects.get(pk=member.pk)
    assert [s.slug for s in mine.sectors.all()] == ["automotive"]
    assert list(mine.indicators.all()) == [indicator]
    assert response.json()["sectors"] == [{"slug": "automotive", "name": "Automotive"}]
    assert Subscription.objects.get(pk=other.pk).frequency == "weekly"
    event = ConsentEvent.objects.filter(member=member, source="api").get()
    assert (event.before, event.after) == ("weekly", "monthly")


def test_put_needs_every_field(api):
    api.force_authenticate(UserFactory())
    response = api.put(URL, {"frequency": "daily"}, format="json")
    assert response.status_code == 400
    assert "time_zone" in {error["attr"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hour", 25),
        ("hour", -1),
        ("time_zone", "Not/AZone"),
        ("time_zone", "x" * 500),
        ("time_zone", "\x00"),
        ("day_of_month", 29),
        ("weekday", 7),
        ("frequency", "hourly"),
        ("language", "de"),
        ("sectors", ["no-such-sector"]),
        ("sectors", [987654]),
        ("indicators", ["walk"]),
        ("city_regions", 3),
    ],
)
def test_hostile_input_gets_a_400_naming_the_field(api, field, value):
    member = UserFactory()
    api.force_authenticate(member)
    response = api.patch(URL, {field: value}, format="json")
    assert response.status_code == 400
    assert field in {error["attr"].split(".")[0] for error in response.json()["errors"]}
    assert Subscription.objects.get(pk=member.pk).frequency == "weekly"


def test_off_through_the_api_stops_the_digest(api):
    member = UserFactory()
    api.force_authenticate(member)
    assert api.patch(URL, {"frequency": "off"}, format="json").json()["next_due_at"] is None
