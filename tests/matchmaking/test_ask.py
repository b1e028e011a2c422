"""From a profile found in the directory, an SME member asks that expert to help: with one of
the SME's open requests, or with a new request that invites them once published."""

import pytest
from django.utils import timezone

from matchmaking import services
from matchmaking.models import Engagement, HelpRequest
from members import services as member_services
from tests.matchmaking.factories import expert, published, ready_fields, sector, sme_member
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def wang():
    return expert("Wang Fang", advice_topics=["supplier audits"], sectors=[sector("automotive")])


def test_the_profile_of_an_available_expert_offers_to_ask_them(client):
    profile = wang()
    client.force_login(UserFactory())
    page = client.get(f"/members/{profile.handle}/").content.decode()
    assert f'href="/requests/ask/{profile.handle}/"' in page
    paused = expert("Taking a Break", paused=True)
    page = client.get(f"/members/{paused.handle}/").content.decode()
    assert "/requests/ask/" not in page


def test_an_sme_member_invites_the_expert_to_an_open_request(client):
    profile = wang()
    request = published(sectors=[sector("automotive")])
    client.force_login(request.author)
    page = client.get(f"/requests/ask/{profile.handle}/").content.decode()
    assert request.title in page
    response = client.post(
        f"/requests/ask/{profile.handle}/", {"request": request.pk, "message": "Hello"}
    )
    assert response["Location"] == f"/requests/{request.pk}/"
    engagement = Engagement.objects.get()
    assert (engagement.expert, engagement.message) == (profile.user, "Hello")


def test_another_smes_request_cannot_be_chosen(client):
    profile = wang()
    theirs = published()
    owner, _sme = sme_member()
    client.force_login(owner)
    response = client.post(f"/requests/ask/{profile.handle}/", {"request": theirs.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Engagement.objects.exists()


def test_a_new_request_started_from_a_profile_invites_the_expert_once_published(client):
    profile = wang()
    owner, sme = sme_member()
    client.force_login(owner)
    page = client.get(f"/requests/ask/{profile.handle}/").content.decode()
    start = f"/requests/new/{sme.slug}/?invite={profile.handle}"
    assert f'href="{start}"' in page
    assert (
        "Wang Fang is invited as soon as the request is published."
        in client.get(start).content.decode()
    )
    client.post(
        start,
        {
            "title": "Supplier audits for an Ontario assembler",
            "description": "We need supplier audits an Ontario assembler will accept. " * 2,
            "deliverable": "An audit plan",
            "kind": HelpRequest.Kind.MARKET_ENTRY,
            "size": HelpRequest.Size.SESSION,
            "deadline": (timezone.localdate() + timezone.timedelta(days=20)).isoformat(),
            "sectors": [sector("automotive").pk],
            "audience": "members",
            "contact": owner.pk,
        },
    )
    request = HelpRequest.objects.get()
    assert request.first_expert == profile.user
    assert not Engagement.objects.exists()
    client.post(f"/requests/{request.pk}/publish/")
    assert Engagement.objects.get().expert == profile.user


def test_a_member_without_an_sme_is_told_how_to_get_one_and_a_busy_expert_why(client):
    profile = wang()
    client.force_login(UserFactory())
    page = client.get(f"/requests/ask/{profile.handle}/").content.decode()
    assert "Create an organisation" in page
    paused = expert("Taking a Break", paused=True)
    assert (
        "This member is taking a break."
        in client.get(f"/requests/ask/{paused.handle}/").content.decode()
    )
    assert client.get("/requests/ask/nobody-at-all/").status_code == 404
    client.logout()
    assert client.get(f"/requests/ask/{profile.handle}/").status_code == 302


def test_a_directory_result_of_an_available_expert_offers_to_ask_them(client):
    profile = wang()
    paused = expert("Taking a Break", paused=True, sectors=[sector("automotive")])
    client.force_login(UserFactory())
    page = client.get("/directory/", {"sector": "automotive"}).content.decode()
    assert f'href="/requests/ask/{profile.handle}/"' in page
    assert f'href="/requests/ask/{paused.handle}/"' not in page
    client.logout()
    assert "/requests/ask/" not in client.get("/directory/").content.decode()


def test_the_sme_hears_when_the_expert_it_started_for_can_no_longer_be_invited(client):
    profile = wang()
    owner, sme = sme_member()
    request = services.create_request(
        author=owner,
        organisation=sme,
        first_expert=profile.user,
        **ready_fields(sectors=[sector("automotive")]),
    )
    member_services.update_profile(profile=profile, paused=True)
    client.force_login(owner)
    response = client.post(f"/requests/{request.pk}/publish/", follow=True)
    page = response.content.decode()
    assert "Published." in page
    assert "Wang Fang was not invited: This member is taking a break." in page
    assert not Engagement.objects.exists()
