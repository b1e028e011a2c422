"""Referrals and follow-ups through the API: the same rules, roles and refusals as the pages,
hostile ids and bodies, and the ledger's query count at two sizes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matchmaking import services
from matchmaking.models import FollowUp, HelpRequest, Referral
from tests.matchmaking.factories import sme_member
from tests.matchmaking.test_api import (
    API,
    HOSTILE_IDS,
    automotive_request,
    client_for,
    count,
    errors,
    keys_in,
)
from tests.matchmaking.test_referrals import able, facilitator
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_facilitator_refers_by_handle_and_the_ledger_follows_the_outcome():
    request = automotive_request()
    claire, wang = facilitator(), able()
    api = client_for(claire)
    response = api.post(
        f"{API}/help-requests/{request.pk}/referrals/",
        {"member": wang.profile.handle, "note": "She audited Magna."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "waiting"
    assert response.json()["member"] == {"display_name": "Wang Fang"}

    offer = services.offer_help(request=request, expert=wang)
    services.accept(engagement=offer, actor=request.author)
    [row] = api.get(f"{API}/referrals/").json()["results"]
    assert (row["outcome"], row["outcome_label"]) == ("under_way", "Engagement under way")
    assert "email" not in keys_in(row)

    sme_view = client_for(request.author).get(f"{API}/help-requests/{request.pk}/").json()
    assert [r["note"] for r in sme_view["referrals"]] == ["She audited Magna."]
    assert sme_view["may_refer"] is False
    assert client_for(claire).get(f"{API}/help-requests/{request.pk}/").json()["referrals"] == []


def test_a_referral_to_an_organisation_by_its_slug():
    request = automotive_request()
    firm = OrganisationFactory(slug="harbour-law")
    response = client_for(facilitator()).post(
        f"{API}/help-requests/{request.pk}/referrals/", {"organisation": "harbour-law"}
    )
    assert response.status_code == 201, response.content
    assert Referral.objects.get().organisation == firm


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({}, "non_field_errors", "one_target"),
        ({"member": "abc", "organisation": "x"}, "non_field_errors", "one_target"),
        ({"member": "zzzzzz"}, "member", "unknown"),
        ({"member": "../etc"}, "member", "invalid"),
        ({"organisation": "nowhere"}, "organisation", "unknown"),
        ({"organisation": "a\x00b"}, "organisation", "invalid"),
        ({"member": "WANG", "note": "x" * 1001}, "note", "max_length"),
    ],
)
def test_bad_bodies_are_400s_naming_the_field(body, field, code):
    request = automotive_request()
    response = client_for(facilitator()).post(
        f"{API}/help-requests/{request.pk}/referrals/", body, format="json"
    )
    assert code in errors(response)[field]
    assert not Referral.objects.exists()


def test_service_refusals_are_400s_with_their_code():
    request = automotive_request()
    claire, paused = facilitator(), able("Paused Pat", paused=True)
    api = client_for(claire)
    path = f"{API}/help-requests/{request.pk}/referrals/"
    assert (
        "unavailable"
        in errors(api.post(path, {"member": paused.profile.handle}))["non_field_errors"]
    )
    own = {"organisation": request.organisation.slug}
    assert "own_sme" in errors(api.post(path, own))["non_field_errors"]


def test_who_may_refer():
    request = automotive_request()
    wang = able()
    other_sme, _ = sme_member()
    path = f"{API}/help-requests/{request.pk}/referrals/"
    body = {"member": wang.profile.handle}
    assert client_for().post(path, body).status_code == 401
    for member in (request.author, other_sme, UserFactory(), able("Li Wei")):
        assert client_for(member).post(path, body).status_code == 403, member
    assert not Referral.objects.exists()


@pytest.mark.parametrize("hostile", [*HOSTILE_IDS, "other"])
def test_hostile_and_walked_ids_are_404s(hostile):
    claire = facilitator()
    owner, sme = sme_member()
    engagement = _completed(owner, sme)
    follow_up = _asked(engagement)
    if hostile == "other":  # an invited-only request the caller may not read; another's follow-up
        request_id = automotive_request(audience=HelpRequest.Audience.INVITED).pk
        follow_up_id = follow_up.pk
    else:
        request_id = follow_up_id = hostile
    api = client_for(claire)
    referral = api.post(f"{API}/help-requests/{request_id}/referrals/", {"member": "abc"})
    assert referral.status_code == 404
    assert api.get(f"{API}/follow-ups/{follow_up_id}/").status_code == 404
    assert api.post(f"{API}/follow-ups/{follow_up_id}/", {"use": "applied"}).status_code == 404


# --- Follow-ups -----------------------------------------------------------------------------------


def _completed(owner, sme):
    request = automotive_request(owner, sme)
    invitation = services.invite_expert(request=request, expert=able(), actor=owner)
    services.accept(engagement=invitation, actor=invitation.expert)
    return services.complete_engagement(engagement=invitation, actor=owner)


def _asked(engagement) -> FollowUp:
    FollowUp.objects.filter(engagement=engagement, after_days=30).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    services.ask_follow_ups()
    return FollowUp.objects.get(engagement=engagement, after_days=30)


def test_the_sme_answers_a_follow_up_once_and_others_may_not():
    owner, sme = sme_member()
    engagement = _completed(owner, sme)
    follow_up = _asked(engagement)
    path = f"{API}/follow-ups/{follow_up.pk}/"
    colleague = MembershipFactory(organisation=sme).user
    assert client_for().get(path).status_code == 401
    for member, status in [
        (engagement.expert, 404),
        (sme_member()[0], 404),
        (UserFactory(), 404),
        (colleague, 200),
    ]:
        assert client_for(member).get(path).status_code == status, member

    assert "use" in errors(client_for(owner).post(path, {"use": "bogus"}))
    response = client_for(owner).post(path, {"use": "applied", "story": "A sale."}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["use"], response.json()["story"]) == ("applied", "A sale.")
    assert client_for(colleague).post(path, {"use": "partly"}).status_code == 403


def test_the_ledger_costs_the_same_at_two_sizes():
    claire = facilitator()
    api = client_for(claire)

    def refer(n: int):
        request = automotive_request()
        wang = able(f"Expert {n}")
        services.refer(request=request, referred_by=claire, member=wang)
        services.offer_help(request=request, expert=wang)

    refer(0)
    few = count(api, f"{API}/referrals/")
    for n in range(1, 5):
        refer(n)
    services.refer(
        request=automotive_request(), referred_by=claire, organisation=OrganisationFactory()
    )
    assert count(api, f"{API}/referrals/") == few
