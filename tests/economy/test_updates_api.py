"""The economy updates API per role: everyone reads the public list and published updates;
Editors write, publish (now or scheduled), unpublish and discard, and read their desk; nothing
that is not out leaks to anyone else (404, never 403); bad input is a 400 naming the field."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import AuditEvent
from economy.models import EconomyUpdate
from tests.economy.factories import (
    administrator,
    draft,
    editor,
    imported,
    moderator,
    published,
    scheduled,
    sector,
    staff,
)
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/economy-updates"
ROLES = ["anonymous", "member", "moderator", "staff", "editor", "admin"]
EDITORS = {"editor", "admin"}


def client_for(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def person(role: str):
    return {
        "anonymous": lambda: None,
        "member": UserFactory,
        "moderator": moderator,
        "staff": staff,
        "editor": editor,
        "admin": administrator,
    }[role]()


def errors(response) -> dict[str, set[str]]:
    """{attr: {codes}} of a 400."""
    assert response.status_code == 400, (response.status_code, response.content)
    found = {}
    for error in response.json()["errors"]:
        found.setdefault(error["attr"], set()).add(error["code"])
    return found


def keys_in(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in keys_in(value)}
    if isinstance(data, list):
        return {key for value in data for key in keys_in(value)}
    return set()


NEW = {
    "title": "Shenzhen halves registration fees",
    "summary": "Foreign-invested start-ups pay half from next month.",
    "body": "- Fees halved\n- One-window filing",
    "sectors": ["automotive"],
    "city_regions": ["shenzhen"],
    "source_name": "Shenzhen Municipal Government",
    "source_url": "https://www.sz.gov.cn/",
    "language": "en",
}


def test_an_editor_writes_schedules_publishes_and_unpublishes_an_update():
    api = client_for(editor())
    created = api.post(f"{API}/", NEW, format="json")
    assert created.status_code == 201, created.content
    update = created.json()
    assert update["editorial"]["status"] == "draft"
    assert update["editorial"]["missing"] == {}
    assert update["sectors"] == [{"slug": "automotive", "name": sector("automotive").name}]
    assert "<li>Fees halved</li>" in update["body_html"]
    url = f"{API}/{update['id']}/"
    assert client_for().get(url).status_code == 404

    at = (timezone.now() + timedelta(days=1)).isoformat()
    scheduled_ = api.post(f"{url}publish/", {"at": at}, format="json").json()
    assert scheduled_["editorial"]["scheduled"] is True
    assert client_for().get(url).status_code == 404
    desk = api.get(f"{API}/desk/?tab=scheduled").json()["results"]
    assert [row["id"] for row in desk] == [update["id"]]

    out = api.post(f"{url}publish/", {}, format="json").json()
    assert out["editorial"]["scheduled"] is False
    public = client_for().get(url).json()
    assert public["title"] == NEW["title"]
    assert public["editorial"] is None
    assert [row["id"] for row in client_for().get(f"{API}/").json()["results"]] == [update["id"]]

    changed = api.patch(url, {"summary": "Half the fees."}, format="json")
    assert changed.json()["summary"] == "Half the fees."
    assert api.post(f"{url}unpublish/", format="json").json()["editorial"]["status"] == "draft"
    assert client_for().get(url).status_code == 404


def test_an_editor_reviews_imports_and_publishes_or_discards_them():
    keep, drop = imported(title="Worth publishing"), imported(title="A rumour")
    reviewer = editor()
    api = client_for(reviewer)
    waiting = api.get(f"{API}/desk/?tab=review").json()["results"]
    assert {row["id"] for row in waiting} == {keep.pk, drop.pk}
    assert {row["feed"] for row in waiting} == {"Xinhua Economy"}
    assert api.post(f"{API}/{keep.pk}/publish/", format="json").status_code == 200
    answer = api.post(f"{API}/{drop.pk}/discard/", {"reason": "Unsourced"}, format="json")
    assert answer.status_code == 204
    assert not EconomyUpdate.objects.filter(pk=drop.pk).exists()
    assert EconomyUpdate.objects.visible().filter(pk=keep.pk).exists()
    assert set(AuditEvent.objects.values_list("action", "actor")) == {
        ("economy.publish_update", reviewer.pk),
        ("economy.discard_update", reviewer.pk),
    }


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_and_who_writes(role):
    author = editor()
    states = {
        "draft": draft(author),
        "review": imported(),
        "scheduled": scheduled(author),
        "published": published(author),
    }
    api = client_for(person(role))
    for state, update in states.items():
        url = f"{API}/{update.pk}/"
        read = api.get(url).status_code
        if role in EDITORS or state == "published":
            assert read == 200, (state, read)
        else:
            assert read == 404, (state, read)
    published_url = f"{API}/{states['published'].pk}/"
    writes = [
        api.patch(published_url, {"summary": "Changed"}, format="json").status_code,
        api.post(f"{published_url}unpublish/", format="json").status_code,
        api.post(f"{API}/", NEW, format="json").status_code,
        api.get(f"{API}/desk/").status_code,
    ]
    if role in EDITORS:
        assert writes == [200, 200, 201, 200]
    elif role == "anonymous":
        assert set(writes) <= {401, 403}
        assert writes[0] == 401
    else:
        assert writes == [403, 403, 403, 403]
    for state in ("draft", "review", "scheduled"):
        url = f"{API}/{states[state].pk}/"
        for action in ("publish/", "unpublish/", "discard/"):
            status = api.post(f"{url}{action}", {}, format="json").status_code
            if role not in EDITORS:
                assert status in ({401} if role == "anonymous" else {404}), (state, action)


def test_nothing_hidden_leaks_through_the_public_list():
    draft(title="Secret draft")
    imported(title="Imported rumour")
    scheduled(title="Embargoed news")
    out = published(title="Public news")
    for role in ("anonymous", "member", "moderator"):
        data = client_for(person(role)).get(f"{API}/").json()
        assert [row["title"] for row in data["results"]] == [out.title]
        assert not keys_in(data) & {"author", "feed", "status", "editorial", "email"}


def test_the_list_filters_and_pages():
    now = timezone.now()
    cars = [
        published(
            title=f"EV news {n:02}", sectors=[sector("automotive")], at=now - timedelta(hours=n + 1)
        )
        for n in range(22)
    ]
    published(title="Lithium prices", sectors=[sector("mining-energy")])
    api = client_for()
    first = api.get(f"{API}/", {"sector": "automotive"}).json()
    assert [row["id"] for row in first["results"]] == [u.pk for u in cars[:20]]
    second = api.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [u.pk for u in cars[20:]]
    assert second["next"] is None
    assert api.get(f"{API}/", {"q": "lithium"}).json()["results"][0]["title"] == "Lithium prices"
    assert api.get(f"{API}/", {"sector": "no-such-sector"}).json()["results"] == []
    assert api.get(f"{API}/", {"language": "fr"}).json()["results"] == []
    assert errors(api.get(f"{API}/", {"language": "de"})) == {"language": {"invalid_choice"}}
    assert errors(api.get(f"{API}/", {"sector": "bad key!"})) == {"sector": {"invalid"}}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": "ab"}, {"title": {"min_length"}}),
        ({"title": "x" * 201}, {"title": {"max_length"}}),
        ({"source_url": "javascript:alert(1)"}, {"source_url": {"invalid"}}),
        ({"language": "de"}, {"language": {"invalid_choice"}}),
        ({"sectors": ["no-such-sector"]}, {"sectors": {"does_not_exist"}}),
        ({"body": "a\x00b"}, {"body": {"null_characters_not_allowed"}}),
        ({"title": 12}, {"title": {"invalid"}}),
    ],
)
def test_bad_input_is_a_400_naming_the_field(changes, expected):
    answer = client_for(editor()).post(f"{API}/", {**NEW, **changes}, format="json")
    assert errors(answer) == expected
    assert not EconomyUpdate.objects.exists()


def test_publishing_refuses_with_reasons():
    update = draft()
    api = client_for(update.author)
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    assert errors(api.post(f"{API}/{update.pk}/publish/", {"at": past}, format="json")) == {
        "at": {"past"}
    }
    api.post(f"{API}/{update.pk}/publish/", format="json")
    assert errors(api.post(f"{API}/{update.pk}/publish/", format="json")) == {
        "non_field_errors": {"published"}
    }
    assert errors(api.post(f"{API}/{update.pk}/discard/", format="json")) == {
        "non_field_errors": {"published"}
    }
    empty = draft(update.author, summary="", body="")
    assert errors(api.post(f"{API}/{empty.pk}/publish/", format="json")) == {"summary": {"missing"}}


HOSTILE_IDS = ["0", "-1", str(2**63), "99999999999999999999", "x", "1.0", "%00", "１"]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("patch", ""),
        ("post", "publish/"),
        ("post", "unpublish/"),
        ("post", "discard/"),
    ],
)
def test_hostile_and_walked_ids_are_404s(method, suffix):
    hidden = draft()
    for api in (client_for(UserFactory()), client_for(editor())):
        for hostile in HOSTILE_IDS:
            answer = getattr(api, method)(f"{API}/{hostile}/{suffix}", {}, format="json")
            assert answer.status_code == 404, (hostile, answer.status_code)
    answer = getattr(client_for(UserFactory()), method)(
        f"{API}/{hidden.pk}/{suffix}", {}, format="json"
    )
    assert answer.status_code == 404
