""" "Requests for you": open requests a professional is able to help with, newest first, with
why; never drafts, requests waiting for review, invited-only ones, their own SMEs' or those they
were already asked about. Fixed query count at two sizes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matchmaking import services
from matchmaking.models import HelpRequest
from tests.matchmaking.factories import draft, expert, published, sector, sme_member
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def titles(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/requests/\d+/">([^<]+)</a></h2>', page)


def test_requests_for_you_lists_what_fits_newest_first_with_why(client):
    wang = expert("Wang Fang", advice_topics=["supplier audits"], sectors=[sector("automotive")])
    published(title="Brake parts for an Ontario assembler", sectors=[sector("automotive")])
    published(
        title="供应商审核：寻找安省的专家",
        description="We need supplier audits before we ship. " * 2,
        sectors=[sector("tourism")],
    )
    published(title="Hotel bookings for a trade mission", sectors=[sector("tourism")])
    draft(title="A draft about automotive parts", sectors=[sector("automotive")])
    published(
        title="Sensitive automotive radar work", sensitive=True, sectors=[sector("automotive")]
    )
    published(
        title="Invited-only automotive question",
        audience=HelpRequest.Audience.INVITED,
        sectors=[sector("automotive")],
    )
    owner, sme = sme_member()
    MembershipFactory(organisation=sme, user=wang.user)
    published(owner, sme, title="My own SME's automotive request", sectors=[sector("automotive")])
    asked = published(title="Already asked automotive request", sectors=[sector("automotive")])
    services.invite_expert(request=asked, expert=wang.user, actor=asked.author)

    client.force_login(wang.user)
    page = client.get("/requests/for-you/").content.decode()
    assert titles(page) == ["供应商审核：寻找安省的专家", "Brake parts for an Ontario assembler"]
    assert "names supplier audits" in page
    assert "in your sector: Automotive" in page


def test_a_member_with_no_sector_or_topic_is_told_how_to_see_requests(client):
    member = expert("Blank Slate")
    published(title="Brake parts for an Ontario assembler", sectors=[sector("automotive")])
    client.force_login(member.user)
    page = client.get("/requests/for-you/").content.decode()
    assert titles(page) == []
    assert "/members/profile/" in page


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/requests/for-you/").status_code == 302


def count(client) -> int:
    client.get("/requests/for-you/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/requests/for-you/")
    assert response.status_code == 200
    return len(captured)


def test_requests_for_you_costs_the_same_with_more_data(client):
    wang = expert(
        "Wang Fang",
        advice_topics=["supplier audits", "customs"],
        sectors=[sector("automotive"), sector("tourism")],
    )
    client.force_login(wang.user)
    published(sectors=[sector("automotive")])
    small = count(client)
    for number in range(25):
        published(
            title=f"Supplier audits and customs, request {number}",
            description="We need supplier audits and customs advice. " * 2,
            sectors=[sector("automotive"), sector("tourism")],
        )
    large = count(client)
    assert small == large
    assert large <= 12
