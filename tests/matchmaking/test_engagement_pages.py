"""Invitations, offers and engagements on the web: who sees and presses what, per role, bad
input, and the pages' query counts at two sizes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matchmaking import services
from matchmaking.models import Engagement
from tests.matchmaking.factories import expert, published, sector, sme_member
from tests.members.factories import MembershipFactory, UserFactory, with_authenticator

pytestmark = pytest.mark.django_db


def automotive_request(**changes):
    return published(
        description="We need supplier audits an Ontario assembler will accept. " * 2,
        sectors=[sector("automotive")],
        **changes,
    )


def able(name: str, **changes):
    fit = {"advice_topics": ["supplier audits"], "sectors": [sector("automotive")]}
    return expert(name, **fit, **changes).user


def test_the_sme_invites_from_the_request_page_and_the_expert_accepts(client):
    request = automotive_request()
    wang = able("Wang Fang")
    client.force_login(request.author)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    action = f"/requests/{request.pk}/invite/{wang.profile.handle}/"
    assert f'action="{action}"' in page
    client.post(action, {"message": "Could you look at our audit plan?"})
    invitation = Engagement.objects.get()
    assert "Wang Fang" in client.get(f"/requests/{request.pk}/").content.decode()

    client.force_login(wang)
    page = client.get(f"/requests/engagements/{invitation.pk}/").content.decode()
    assert "Could you look at our audit plan?" in page
    assert "/accept/" in page
    assert "supplier audits" in client.get(f"/requests/{request.pk}/").content.decode()
    client.post(f"/requests/engagements/{invitation.pk}/accept/")
    page = client.get(f"/requests/engagements/{invitation.pk}/").content.decode()
    conversation = re.search(r'href="/messages/(\d+)/"', page)[1]
    assert client.get(f"/messages/{conversation}/").status_code == 200
    client.force_login(request.author)
    assert client.get(f"/messages/{conversation}/").status_code == 200


def test_a_professional_offers_help_and_the_sme_declines_it(client):
    request = automotive_request()
    wang = able("Wang Fang")
    client.force_login(wang)
    assert "/offer/" in client.get(f"/requests/{request.pk}/").content.decode()
    response = client.post(f"/requests/{request.pk}/offer/", {"message": "I audited 40 plants."})
    offer = Engagement.objects.get()
    assert response["Location"] == f"/requests/engagements/{offer.pk}/"
    assert "/accept/" not in client.get(response["Location"]).content.decode()
    assert client.post(f"/requests/engagements/{offer.pk}/accept/").status_code == 403
    client.force_login(request.author)
    client.post(f"/requests/engagements/{offer.pk}/decline/", {"reason": "Found someone."})
    offer.refresh_from_db()
    assert (offer.status, offer.reason) == ("declined", "Found someone.")


def test_a_refused_invitation_says_why_and_changes_nothing(client):
    request = automotive_request()
    paused = able("Paused Expert", paused=True)
    client.force_login(request.author)
    response = client.post(
        f"/requests/{request.pk}/invite/{paused.profile.handle}/", {"message": ""}, follow=True
    )
    assert "This member is taking a break." in response.content.decode()
    too_long = client.post(
        f"/requests/{request.pk}/invite/{able('Li Ming').profile.handle}/",
        {"message": "x" * 2001},
        follow=True,
    )
    assert "at most 2000 characters" in too_long.content.decode()
    assert client.post(f"/requests/{request.pk}/invite/nobody-here/").status_code == 404
    assert not Engagement.objects.exists()


@pytest.mark.parametrize(
    "role", ["anonymous", "member", "other_sme", "expert", "sme_colleague", "staff"]
)
def test_who_reads_an_invitation_and_who_may_answer_it(client, role):
    request = automotive_request()
    wang = able("Wang Fang")
    invitation = services.invite_expert(request=request, expert=wang, actor=request.author)
    viewer = {
        "anonymous": None,
        "member": UserFactory(),
        "other_sme": sme_member()[0],
        "expert": wang,
        "sme_colleague": MembershipFactory(organisation=request.organisation).user,
        "staff": with_authenticator(UserFactory(is_staff=True)),
    }[role]
    if viewer:
        client.force_login(viewer)
    page = client.get(f"/requests/engagements/{invitation.pk}/")
    accept = client.post(f"/requests/engagements/{invitation.pk}/accept/")
    invitation.refresh_from_db()
    if role in ("anonymous",):
        assert page.status_code == 302
    elif role in ("member", "other_sme"):
        assert page.status_code == 404
        assert accept.status_code == 404
    else:
        assert page.status_code == 200
        assert wang.email not in page.content.decode()
    assert invitation.status == ("accepted" if role == "expert" else "pending")


def test_a_walked_engagement_id_is_a_404(client):
    request = automotive_request()
    invitation = services.invite_expert(request=request, expert=able("A"), actor=request.author)
    client.force_login(able("B"))
    assert client.get(f"/requests/engagements/{invitation.pk}/").status_code == 404
    assert client.get(f"/requests/engagements/{invitation.pk + 1}/").status_code == 404
    assert client.post(f"/requests/engagements/{invitation.pk}/decline/").status_code == 404


def count(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_engagement_pages_cost_the_same_with_more_data(client):
    wang = able("Wang Fang", max_open_engagements=20)
    client.force_login(wang)

    def engage():
        request = automotive_request()
        invitation = services.invite_expert(request=request, expert=wang, actor=request.author)
        services.accept(engagement=invitation, actor=wang)
        return invitation

    first = engage()
    paths = ["/requests/engagements/", f"/requests/engagements/{first.pk}/"]
    small = [count(client, path) for path in paths]
    for _ in range(12):
        engage()
    large = [count(client, path) for path in paths]
    assert small == large
    assert max(large) <= 12
