"""Who reads and who manages a help request, per role: anonymous, member, the SME's members
(owner and colleague), another SME's member, staff; drafts, invited-only and sensitive requests."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from matchmaking import services
from matchmaking.access import access_request, may_review
from matchmaking.models import HelpRequest
from members.models import Membership
from tests.matchmaking.factories import draft, published, sme_member
from tests.members.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    owner, sme = sme_member()
    return {
        "anonymous": None,
        "member": UserFactory(),
        "owner": owner,
        "colleague": MembershipFactory(organisation=sme, role=Membership.Role.MEMBER).user,
        "other_sme": sme_member()[0],
        "staff": UserFactory(is_staff=True),
        "sme": sme,
    }


def outcome(viewer, request, **options) -> str:
    try:
        access_request(viewer or AnonymousUser(), request.pk, **options)
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "ok"


ROLES = ["anonymous", "member", "owner", "colleague", "other_sme", "staff"]


@pytest.mark.parametrize(
    ("state", "reads"),
    [
        ("draft", {"owner", "colleague"}),
        ("open", {"member", "owner", "colleague", "other_sme", "staff"}),
        ("invited_only", {"owner", "colleague", "staff"}),
        ("sensitive", {"owner", "colleague", "staff"}),
        ("withdrawn", {"member", "owner", "colleague", "other_sme", "staff"}),
    ],
)
def test_who_reads_a_request(people, state, reads):
    owner, sme = people["owner"], people["sme"]
    request = {
        "draft": lambda: draft(owner, sme),
        "open": lambda: published(owner, sme),
        "invited_only": lambda: published(owner, sme, audience=HelpRequest.Audience.INVITED),
        "sensitive": lambda: published(owner, sme, sensitive=True),
        "withdrawn": lambda: services.withdraw_request(request=published(owner, sme), actor=owner),
    }[state]()
    for role in ROLES:
        expected = "ok" if role in reads else "404"
        assert outcome(people[role], request) == expected, role


def test_only_the_smes_members_manage_a_request(people):
    request = published(people["owner"], people["sme"])
    for role in ROLES:
        expected = {"owner": "ok", "colleague": "ok", "anonymous": "404"}.get(role, "403")
        assert outcome(people[role], request, for_write=True) == expected, role


def test_a_walked_id_is_a_404_like_a_missing_one(people):
    request = draft(people["owner"], people["sme"])
    assert outcome(people["member"], request) == "404"
    request.pk += 1000
    assert outcome(people["owner"], request) == "404"


def test_only_staff_review_and_only_what_waits_for_review(people):
    waiting = published(people["owner"], people["sme"], sensitive=True)
    cleared = published(people["owner"], people["sme"])
    assert may_review(people["staff"], waiting)
    assert not may_review(people["staff"], cleared)
    for role in ("member", "owner", "colleague", "other_sme"):
        assert not may_review(people[role], waiting)
