"""Help request pages as people use them: the guided form keeps what was typed when something is
wrong, the request page shows the readiness check and the buttons its viewer may press, and each
page costs a fixed number of queries whatever the data."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matchmaking.models import HelpRequest
from members.models import Language, Membership, Organisation
from tests.matchmaking.factories import draft, expert, published, region, sector, sme_member
from tests.members.factories import (
    CityRegionFactory,
    MembershipFactory,
    OrganisationFactory,
    SectorFactory,
    UserFactory,
    with_authenticator,
)

pytestmark = pytest.mark.django_db
MAX_QUERIES = 12


def form_data(**changes) -> dict:
    sector = SectorFactory()
    return {
        "title": "寻找安大略省的汽车零部件客户",
        "description": "我们是苏州的刹车片制造商，想进入安大略省市场。需要了解认证要求和时间。" * 2,
        "deliverable": "认证清单和时间表",
        "kind": HelpRequest.Kind.MARKET_ENTRY,
        "size": HelpRequest.Size.SESSION,
        "deadline": (timezone.localdate() + timezone.timedelta(days=20)).isoformat(),
        "sectors": [sector.pk],
        "audience": HelpRequest.Audience.MEMBERS,
        **changes,
    }


def test_an_sme_member_drafts_a_request_in_chinese_then_publishes_it(client):
    owner, sme = sme_member()
    client.force_login(owner)
    listing = client.get("/requests/").content.decode()
    assert f'href="/requests/new/{sme.slug}/"' in listing
    response = client.post(f"/requests/new/{sme.slug}/", form_data(contact=owner.pk))
    request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{request.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "寻找安大略省的汽车零部件客户" in page
    assert "Everything an expert needs to decide is there." in page
    client.post(f"/requests/{request.pk}/publish/")
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.OPEN
    assert "寻找安大略省的汽车零部件客户" in client.get("/requests/").content.decode()


def test_the_readiness_check_says_what_a_draft_lacks_and_publishing_waits(client):
    owner, sme = sme_member()
    client.force_login(owner)
    client.post(
        f"/requests/new/{sme.slug}/",
        {"title": "寻找安省客户", "audience": "members", "contact": owner.pk},
    )
    request = HelpRequest.objects.get()
    page = client.get(f"/requests/{request.pk}/").content.decode()
    missing = re.findall(r'<li data-field="(\w+)">', page)
    assert set(missing) == {"description", "deliverable", "kind", "sectors", "size", "deadline"}
    assert re.search(r"<button type=\"submit\" disabled>\s*Publish", page)
    response = client.post(f"/requests/{request.pk}/publish/", follow=True)
    assert "Set a deadline." in response.content.decode()
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.DRAFT


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "Help"}, "title", "Say in a few more words"),
        ({"title": "Brake parts\x00 for Ontario"}, "title", "Null characters are not allowed"),
        ({"deadline": "2026-13-45"}, "deadline", "Enter a valid date"),
        ({"sectors": ["999999"]}, "sectors", "Select a valid choice"),
        ({"kind": "<script>"}, "kind", "Select a valid choice"),
        ({"description": "x" * 10_001}, "description", "at most 10000 characters"),
    ],
)
def test_bad_input_is_a_form_error_that_keeps_what_was_typed(client, changes, field, message):
    owner, sme = sme_member()
    client.force_login(owner)
    data = form_data(contact=owner.pk, **changes)
    data["deliverable"] = "认证清单和时间表（保留）"
    response = client.post(f"/requests/new/{sme.slug}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "认证清单和时间表（保留）" in page
    assert not HelpRequest.objects.exists()


def test_a_contact_outside_the_sme_is_refused_on_the_form(client):
    owner, sme = sme_member()
    client.force_login(owner)
    response = client.post(f"/requests/new/{sme.slug}/", form_data(contact=UserFactory().pk))
    assert "Select a valid choice" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_nobody_posts_for_an_organisation_they_do_not_belong_to_or_that_is_not_an_sme(client):
    member = UserFactory()
    client.force_login(member)
    other_sme = OrganisationFactory()
    facilitator = OrganisationFactory(kind=Organisation.Kind.PUBLIC_FACILITATOR)
    MembershipFactory(user=member, organisation=facilitator)
    for organisation in (other_sme, facilitator):
        assert client.get(f"/requests/new/{organisation.slug}/").status_code == 404
        assert client.post(f"/requests/new/{organisation.slug}/", form_data()).status_code == 404
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "member", "other_sme", "colleague", "staff"])
def test_the_buttons_of_a_request_are_the_smes_alone(client, role):
    owner, sme = sme_member()
    request = published(owner, sme)
    viewer = {
        "anonymous": None,
        "member": UserFactory(),
        "other_sme": sme_member()[0],
        "colleague": MembershipFactory(organisation=sme, role=Membership.Role.MEMBER).user,
        "staff": with_authenticator(UserFactory(is_staff=True)),
    }[role]
    if viewer:
        client.force_login(viewer)
    page = client.get(f"/requests/{request.pk}/")
    response = client.post(f"/requests/{request.pk}/withdraw/")
    request.refresh_from_db()
    if role == "anonymous":
        assert page.status_code == 302  # to sign in
        assert request.status == HelpRequest.Status.OPEN
    elif role == "colleague":
        assert "/withdraw/" in page.content.decode()
        assert request.status == HelpRequest.Status.CLOSED
    else:
        assert page.status_code == 200
        assert "/withdraw/" not in page.content.decode()
        assert response.status_code == 403
        assert request.status == HelpRequest.Status.OPEN
    assert owner.email not in page.content.decode()


def test_another_smes_draft_is_a_404_and_a_walked_id_too(client):
    request = draft()
    client.force_login(sme_member()[0])
    assert client.get(f"/requests/{request.pk}/").status_code == 404
    assert client.get(f"/requests/{request.pk}/edit/").status_code == 404
    assert client.post(f"/requests/{request.pk}/publish/").status_code == 404
    assert client.get(f"/requests/{request.pk + 1}/").status_code == 404
    assert client.get("/requests/99999999999999999999/").status_code == 404


def test_staff_clear_a_sensitive_request_from_its_page(client):
    request = published(sensitive=True)
    member_page = client.get(f"/requests/{request.pk}/")
    assert member_page.status_code == 302
    client.force_login(request.author)
    assert (
        "Staff review it before any expert is matched to it."
        in client.get(f"/requests/{request.pk}/").content.decode()
    )
    assert client.post(f"/requests/{request.pk}/approve/").status_code == 403
    client.force_login(with_authenticator(UserFactory(is_staff=True)))
    assert "/approve/" in client.get(f"/requests/{request.pk}/").content.decode()
    client.post(f"/requests/{request.pk}/approve/")
    request.refresh_from_db()
    assert request.matchable


def test_an_edit_keeps_the_request_publishable(client):
    request = published()
    client.force_login(request.author)
    data = form_data(contact=request.author.pk, deliverable="")
    response = client.post(f"/requests/{request.pk}/edit/", data)
    assert response.status_code == 200
    assert "Say what the SME expects to have in hand at the end." in response.content.decode()
    request.refresh_from_db()
    assert request.deliverable


def test_the_sme_sees_experts_who_could_help_with_their_reasons_and_others_do_not(client):
    wang = expert("Wang Fang", advice_topics=["supplier audits"], sectors=[sector("automotive")])
    request = published(
        description="We need supplier audits an Ontario assembler will accept. " * 2,
        sectors=[sector("automotive")],
    )
    client.force_login(request.author)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert f'<a href="/members/{wang.handle}/">Wang Fang</a>' in page
    assert "willing to advise on supplier audits; works in Automotive" in page
    assert wang.user.email not in page
    client.force_login(UserFactory())
    assert "Wang Fang" not in client.get(f"/requests/{request.pk}/").content.decode()


def test_a_draft_or_a_request_waiting_for_review_proposes_nobody_yet(client):
    expert("Wang Fang", advice_topics=["supplier audits"], sectors=[sector("automotive")])
    fields = {"description": "We need supplier audits. " * 4, "sectors": [sector("automotive")]}
    for request in (draft(**fields), published(sensitive=True, **fields)):
        client.force_login(request.author)
        assert "Wang Fang" not in client.get(f"/requests/{request.pk}/").content.decode()


# --- Query counts -------------------------------------------------------------------------------


def rich_request(owner, sme, number: int) -> HelpRequest:
    expert(
        f"Expert {number}",
        advice_topics=["supplier audits", f"topic {number}"],
        expertise=["brake parts"],
        sectors=[sector("automotive")],
        languages=["cmn", "eng"],
        home_regions=[region("suzhou")],
        corridors=[("suzhou", "toronto", "automotive")],
        years_experience=number,
    )
    request = published(
        owner,
        sme,
        title=f"Selling brake parts to assembler {number}",
        description="We need supplier audits for brake parts. " * 3,
        sectors=[sector("automotive"), SectorFactory()],
        city_regions=[region("suzhou"), region("toronto"), CityRegionFactory()],
        languages=list(Language.objects.all()[:2]),
    )
    MembershipFactory(organisation=sme)
    return request


def count(client, path: str) -> int:
    client.get(path)  # caches warm (session, reference data)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_my_requests_and_a_request_page_cost_the_same_with_more_data(client):
    owner, sme = sme_member()
    client.force_login(owner)
    first = rich_request(owner, sme, 0)
    small = count(client, "/requests/"), count(client, f"/requests/{first.pk}/")
    for number in range(1, 25):
        rich_request(owner, sme, number)
        other_sme = OrganisationFactory()
        MembershipFactory(user=owner, organisation=other_sme)
        rich_request(owner, other_sme, number)
    large = count(client, "/requests/"), count(client, f"/requests/{first.pk}/")
    assert small == large
    assert max(large) <= MAX_QUERIES
