"""The matchmaking API, per role (anonymous, member, the SME's owner and colleague, another SME's
member, the expert, staff): what each may read and do, with the same rules as the pages; what never
leaks (e-mail addresses, private scores, other SMEs' requests, members-only requests to visitors,
engagements to outsiders); bad input and refusals as 400s naming the field; hostile ids as 404s;
a request's whole life through the API; and each list's query count at two sizes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from matchmaking import services
from matchmaking.models import Engagement, Feedback, HelpRequest
from members.models import Membership
from tests.matchmaking.factories import draft, expert, published, sector, sme_member
from tests.members.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
AUDITS = "We need supplier audits an Ontario assembler will accept. " * 2


def client_for(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def keys_in(data) -> set[str]:
    """Every key of a JSON document, however deep."""
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in keys_in(value)}
    if isinstance(data, list):
        return {key for value in data for key in keys_in(value)}
    return set()


def errors(response) -> dict[str, set[str]]:
    """{attr: {codes}} of a 400."""
    assert response.status_code == 400, (response.status_code, response.content)
    found = {}
    for error in response.json()["errors"]:
        found.setdefault(error["attr"], set()).add(error["code"])
    return found


def able(name: str, **changes):
    """A professional the engine proposes for an automotive request about supplier audits."""
    fit = {"advice_topics": ["supplier audits"], "sectors": [sector("automotive")]}
    return expert(name, **fit, **changes).user


def automotive_request(author=None, organisation=None, **changes) -> HelpRequest:
    return published(
        author, organisation, description=AUDITS, sectors=[sector("automotive")], **changes
    )


@pytest.fixture
def people():
    owner, sme = sme_member()
    return {
        "anonymous": None,
        "member": UserFactory(),
        "owner": owner,
        "colleague": MembershipFactory(organisation=sme, role=Membership.Role.MEMBER).user,
        "other_sme": sme_member()[0],
        "expert": able("Wang Fang"),
        "staff": UserFactory(is_staff=True),
        "sme": sme,
    }


ROLES = ["anonymous", "member", "owner", "colleague", "other_sme", "expert", "staff"]


# --- A request's whole life -----------------------------------------------------------------------


def test_a_request_goes_from_draft_to_feedback_through_the_api():
    owner, sme = sme_member(display_name="Olivia Owner")
    wang = able("Wang Fang")
    sme_api, expert_api = client_for(owner), client_for(wang)

    created = sme_api.post(
        f"{API}/help-requests/",
        {"organisation": sme.slug, "title": "Supplier audits for an Ontario assembler"},
    )
    assert created.status_code == 201, created.content
    request = created.json()
    assert request["status"] == "draft"
    assert request["contact"] == {"display_name": "Olivia Owner"}
    assert {"description", "deliverable", "kind", "sectors", "size", "deadline"} <= set(
        request["missing"]
    )
    path = f"{API}/help-requests/{request['id']}"
    refused = sme_api.post(f"{path}/publish/")
    assert set(errors(refused)) == set(request["missing"])

    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    changed = sme_api.patch(
        f"{path}/",
        {
            "description": AUDITS,
            "deliverable": "A list of auditors and what each costs.",
            "kind": "market_entry",
            "size": "session",
            "deadline": deadline,
            "sectors": ["automotive"],
            "languages": ["cmn"],
        },
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["missing"] == {}
    assert [s["slug"] for s in changed.json()["sectors"]] == ["automotive"]
    published_now = sme_api.post(f"{path}/publish/")
    assert published_now.json()["status"] == "open"

    matches = sme_api.get(f"{path}/matches/").json()
    assert [match["expert"]["handle"] for match in matches] == [wang.profile.handle]
    assert "willing to advise on supplier audits" in matches[0]["reasons"]
    assert "score" not in matches[0]
    invited = sme_api.post(
        f"{path}/invitations/", {"expert": wang.profile.handle, "message": "Could you help?"}
    )
    assert invited.status_code == 201, invited.content
    engagement = f"{API}/engagements/{invited.json()['id']}"
    assert [e["status"] for e in sme_api.get(f"{path}/engagements/").json()] == ["pending"]

    seen = expert_api.get(f"{engagement}/").json()
    assert (seen["message"], seen["may_answer"], seen["conversation"]) == (
        "Could you help?",
        True,
        None,
    )
    accepted = expert_api.post(f"{engagement}/accept/").json()
    assert accepted["status"] == "accepted"
    assert accepted["conversation"] is not None
    conversation = client_for(owner).get(f"{API}/conversations/{accepted['conversation']}/")
    assert conversation.status_code == 200
    assert sme_api.get(f"{path}/").json()["status"] == "in_progress"

    assert sme_api.post(f"{engagement}/complete/").json()["may_give_feedback"] is True
    given = {"rating": 5, "private_score": 2, "comment": "Clear plan.", "hours": 4}
    assert sme_api.post(f"{engagement}/feedback/", given).status_code == 201
    assert expert_api.post(f"{engagement}/feedback/", {**given, "rating": 4}).status_code == 201
    assert sme_api.post(f"{engagement}/feedback/", given).status_code == 403  # once a side

    feedback = expert_api.get(f"{path}/").json()["feedback"]
    assert sorted((f["side"], f["rating"]) for f in feedback) == [("expert", 4), ("sme", 5)]
    assert "private_score" not in keys_in(feedback)
    on_engagement = expert_api.get(f"{engagement}/").json()["feedback"]
    assert {f["private_score"] for f in on_engagement} == {None}
    resolved = sme_api.post(f"{path}/resolve/").json()
    assert resolved["status"] == "resolved"


def test_an_expert_finds_a_request_for_them_and_offers_help_which_the_sme_declines():
    wang = able("Wang Fang")  # first: the request is filed under the topics members know
    request = automotive_request()
    api = client_for(wang)
    listed = api.get(f"{API}/help-requests/for-you/").json()
    assert [(r["id"], r["why"]) for r in listed["results"]] == [
        (request.pk, "in your sector: Automotive; names supplier audits")
    ]
    detail = api.get(f"{API}/help-requests/{request.pk}/").json()
    assert (detail["may_offer"], detail["sme_side"], detail["contact"]) == (True, False, None)
    offered = api.post(f"{API}/help-requests/{request.pk}/offers/", {"message": "I audit plants."})
    assert offered.status_code == 201, offered.content
    offer = offered.json()
    assert (offer["origin"], offer["may_answer"], offer["may_withdraw"]) == ("offer", False, True)
    assert api.post(f"{API}/engagements/{offer['id']}/accept/").status_code == 403
    assert api.get(f"{API}/help-requests/for-you/").json()["results"] == []
    mine = api.get(f"{API}/engagements/").json()["results"]
    assert [(e["id"], e["request"]["id"]) for e in mine] == [(offer["id"], request.pk)]

    declined = client_for(request.author).post(
        f"{API}/engagements/{offer['id']}/decline/", {"reason": "Found someone."}
    )
    assert (declined.json()["status"], declined.json()["reason"]) == ("declined", "Found someone.")


def test_withdrawing_a_request_takes_back_its_invitations():
    request = automotive_request()
    invitation = services.invite_expert(request=request, expert=able("A"), actor=request.author)
    api = client_for(request.author)
    assert api.post(f"{API}/help-requests/{request.pk}/withdraw/").json()["status"] == "closed"
    invitation.refresh_from_db()
    assert invitation.status == Engagement.Status.WITHDRAWN
    assert errors(api.post(f"{API}/help-requests/{request.pk}/withdraw/")) == {
        "non_field_errors": {"ended"}
    }


def test_staff_clear_a_sensitive_request_and_the_sme_sees_its_matches_then(people):
    request = automotive_request(people["owner"], people["sme"], sensitive=True)
    path = f"{API}/help-requests/{request.pk}"
    owner = client_for(people["owner"])
    assert owner.get(f"{path}/").json()["awaits_review"] is True
    assert owner.get(f"{path}/matches/").json() == []
    assert owner.post(f"{path}/approve/").status_code == 403
    staff = client_for(people["staff"])
    assert staff.get(f"{path}/").json()["may_review"] is True
    assert staff.post(f"{path}/approve/").json()["review"] == "approved"
    assert [m["expert"]["handle"] for m in owner.get(f"{path}/matches/").json()] == [
        people["expert"].profile.handle
    ]


# --- Who reads and changes what -------------------------------------------------------------------


def make(state: str, people) -> HelpRequest:
    owner, sme = people["owner"], people["sme"]
    request = {
        "draft": lambda: draft(owner, sme, description=AUDITS, sectors=[sector("automotive")]),
        "open": lambda: automotive_request(owner, sme),
        "invited_only": lambda: automotive_request(
            owner, sme, audience=HelpRequest.Audience.INVITED
        ),
    }[state]()
    if state == "invited_only":
        services.invite_expert(request=request, expert=people["expert"], actor=owner)
    return request


@pytest.mark.parametrize(
    ("state", "readers"),
    [
        ("draft", {"owner", "colleague"}),
        ("open", {"member", "owner", "colleague", "other_sme", "expert", "staff"}),
        ("invited_only", {"owner", "colleague", "expert", "staff"}),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_a_request_and_who_changes_it(people, state, readers, role):
    request = make(state, people)
    api = client_for(people[role])
    path = f"{API}/help-requests/{request.pk}"
    read = api.get(f"{path}/")
    change = api.patch(f"{path}/", {"title": "Supplier audits, and who pays for them"})
    matches = api.get(f"{path}/matches/")
    engagements = api.get(f"{path}/engagements/")
    if role == "anonymous":
        expected = {401}
    elif role not in readers:
        expected = {404}
    elif role in ("owner", "colleague"):
        expected = {200}
    else:
        expected = {403}
    assert read.status_code == (200 if role in readers else min(expected))
    assert {change.status_code, matches.status_code, engagements.status_code} == expected
    request.refresh_from_db()
    changed = request.title == "Supplier audits, and who pays for them"
    assert changed == (role in ("owner", "colleague"))


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_an_invitation_and_who_may_answer_it(people, role):
    request = automotive_request(people["owner"], people["sme"])
    invitation = services.invite_expert(
        request=request, expert=people["expert"], actor=people["owner"]
    )
    api = client_for(people[role])
    read = api.get(f"{API}/engagements/{invitation.pk}/")
    accept = api.post(f"{API}/engagements/{invitation.pk}/accept/")
    expected = {
        "anonymous": (401, 401),
        "member": (404, 404),
        "other_sme": (404, 404),
        "owner": (200, 403),
        "colleague": (200, 403),
        "staff": (200, 403),
        "expert": (200, 200),
    }[role]
    assert (read.status_code, accept.status_code) == expected
    if read.status_code == 200:
        assert read.json()["sme_side"] == (role in ("owner", "colleague"))
        assert read.json()["may_withdraw"] == (role in ("owner", "colleague"))


def test_lists_hold_only_the_caller_s_own(people):
    mine = draft(people["owner"], people["sme"], title="Our own draft about brake parts")
    automotive_request(title="Another SME's request about brakes")
    invitation = services.invite_expert(
        request=automotive_request(), expert=people["expert"], actor=people["owner"]
    )
    assert [r["id"] for r in results(people["owner"], "/help-requests/")] == [mine.pk]
    assert [r["id"] for r in results(people["colleague"], "/help-requests/")] == [mine.pk]
    assert results(people["other_sme"], "/help-requests/") == []
    assert results(people["member"], "/engagements/") == []
    assert [e["id"] for e in results(people["expert"], "/engagements/")] == [invitation.pk]
    assert client_for().get(f"{API}/help-requests/").status_code == 401


def results(user, path: str) -> list:
    response = client_for(user).get(API + path)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_nothing_private_leaks(people):
    owner, wang, staff = people["owner"], people["expert"], people["staff"]
    request = automotive_request(owner, people["sme"])
    engagement = services.invite_expert(request=request, expert=wang, actor=owner)
    services.accept(engagement=engagement, actor=wang)
    services.complete_engagement(engagement=engagement, actor=owner)
    services.give_feedback(engagement=engagement, author=owner, rating=5, private_score=1)
    paths = [
        f"/help-requests/{request.pk}/",
        f"/help-requests/{request.pk}/matches/",
        f"/help-requests/{request.pk}/engagements/",
        f"/engagements/{engagement.pk}/",
        "/engagements/",
        "/help-requests/",
    ]
    emails = [owner.email, wang.email, people["colleague"].email]
    for user in (owner, wang, staff):
        for path in paths:
            response = client_for(user).get(API + path)
            assert "email" not in keys_in(response.json())
            assert not any(email in response.content.decode() for email in emails)
    for user in (owner, wang):
        feedback = client_for(user).get(f"{API}/engagements/{engagement.pk}/").json()["feedback"]
        assert [f["private_score"] for f in feedback] == [None]
    feedback = client_for(staff).get(f"{API}/engagements/{engagement.pk}/").json()["feedback"]
    assert [f["private_score"] for f in feedback] == [1]


# --- Bad input and refusals -----------------------------------------------------------------------


def test_a_draft_for_someone_else_s_sme_or_with_bad_fields_is_refused(people):
    api = client_for(people["owner"])
    other_sme = people["other_sme"].memberships.get().organisation
    cases = [
        ({"organisation": other_sme.slug}, {"organisation"}),
        ({"organisation": "no-such-sme"}, {"organisation"}),
        ({"title": "Short"}, {"title"}),
        ({"title": "这是标题"}, {"title"}),
        ({"contact": people["member"].profile.handle}, {"contact"}),
        ({"first_expert": "nobody0here"}, {"first_expert"}),
        ({"sectors": ["no-such-sector"]}, {"sectors"}),
        ({"kind": "everything"}, {"kind"}),
        ({"deadline": "soon"}, {"deadline"}),
        ({"sensitive": "yes"}, {"sensitive"}),
    ]
    for changes, fields in cases:
        body = {"organisation": people["sme"].slug, "title": "Supplier audits in Ontario"}
        assert set(errors(api.post(f"{API}/help-requests/", {**body, **changes}))) == fields
    assert not HelpRequest.objects.exists()


def test_a_published_request_must_stay_ready_and_an_ended_one_no_longer_changes(people):
    request = automotive_request(people["owner"], people["sme"])
    api = client_for(people["owner"])
    path = f"{API}/help-requests/{request.pk}/"
    assert set(errors(api.patch(path, {"sectors": [], "deliverable": ""}))) == {
        "sectors",
        "deliverable",
    }
    assert errors(api.post(f"{API}/help-requests/{request.pk}/publish/")) == {
        "non_field_errors": {"published"}
    }
    services.resolve_request(request=request, actor=people["owner"])
    assert errors(api.patch(path, {"title": "Supplier audits, a new title"})) == {
        "non_field_errors": {"ended"}
    }


def test_invitations_that_cannot_be_made_say_why(people):
    request = automotive_request(people["owner"], people["sme"])
    api = client_for(people["owner"])
    path = f"{API}/help-requests/{request.pk}/invitations/"
    paused = able("Paused Expert", paused=True)
    hidden = UserFactory()  # not onboarded: no one may see their profile
    cases = [
        ({"expert": "nobody0here"}, {"expert": {"unknown"}}),
        ({"expert": hidden.profile.handle}, {"expert": {"unknown"}}),
        ({"expert": paused.profile.handle}, {"non_field_errors": {"unavailable"}}),
        ({"expert": people["expert"].profile.handle, "message": "x" * 2001}, {"message": None}),
        ({"expert": "Not A Handle"}, {"expert": None}),
        ({}, {"expert": None}),
    ]
    for body, expected in cases:
        found = errors(api.post(path, body))
        assert set(found) == set(expected)
        for field, codes in expected.items():
            assert codes is None or found[field] == codes
    assert api.post(path, {"expert": people["expert"].profile.handle}).status_code == 201
    again = api.post(path, {"expert": people["expert"].profile.handle})
    assert errors(again) == {"non_field_errors": {"already"}}


def test_offers_the_request_does_not_take_are_refused(people):
    invited_only = automotive_request(audience=HelpRequest.Audience.INVITED)
    services.invite_expert(request=invited_only, expert=able("Li Ming"), actor=invited_only.author)
    own = automotive_request(people["owner"], people["sme"])
    wang = client_for(people["expert"])
    assert wang.post(f"{API}/help-requests/{invited_only.pk}/offers/").status_code == 404
    colleague = client_for(people["colleague"])
    assert errors(colleague.post(f"{API}/help-requests/{own.pk}/offers/")) == {
        "non_field_errors": {"own"}
    }
    too_long = wang.post(f"{API}/help-requests/{own.pk}/offers/", {"message": "x" * 2001})
    assert set(errors(too_long)) == {"message"}


def test_feedback_with_bad_scores_is_a_400_naming_the_field(people):
    request = automotive_request(people["owner"], people["sme"])
    engagement = services.invite_expert(
        request=request, expert=people["expert"], actor=people["owner"]
    )
    api = client_for(people["owner"])
    path = f"{API}/engagements/{engagement.pk}/feedback/"
    assert api.post(path, {"rating": 5, "private_score": 5}).status_code == 403  # not completed
    services.accept(engagement=engagement, actor=people["expert"])
    services.complete_engagement(engagement=engagement, actor=people["owner"])
    cases = [
        ({"rating": 6, "private_score": 3}, {"rating"}),
        ({"rating": "5", "private_score": 3}, {"rating"}),
        ({"rating": 5, "private_score": 0}, {"private_score"}),
        ({"rating": 5, "private_score": 3, "hours": 501}, {"hours"}),
        ({"rating": 5, "private_score": 3, "knowledge_stage": "nowhere"}, {"knowledge_stage"}),
        ({"rating": 5}, {"private_score"}),
    ]
    for body, fields in cases:
        assert set(errors(api.post(path, body))) == fields
    assert not Feedback.objects.exists()


def test_answering_an_expired_invitation_is_a_400(people):
    request = automotive_request(people["owner"], people["sme"])
    invitation = services.invite_expert(
        request=request, expert=people["expert"], actor=people["owner"]
    )
    Engagement.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    api = client_for(people["expert"])
    assert errors(api.post(f"{API}/engagements/{invitation.pk}/decline/")) == {
        "non_field_errors": {"expired"}
    }
    too_long = api.post(f"{API}/engagements/{invitation.pk}/decline/", {"reason": "x" * 501})
    assert set(errors(too_long)) == {"reason"}


# --- Hostile ids ----------------------------------------------------------------------------------

REQUEST_PATHS = [
    ("get", "/help-requests/{}/"),
    ("patch", "/help-requests/{}/"),
    ("post", "/help-requests/{}/publish/"),
    ("post", "/help-requests/{}/withdraw/"),
    ("post", "/help-requests/{}/resolve/"),
    ("post", "/help-requests/{}/approve/"),
    ("get", "/help-requests/{}/matches/"),
    ("get", "/help-requests/{}/engagements/"),
    ("post", "/help-requests/{}/invitations/"),
    ("post", "/help-requests/{}/offers/"),
]
ENGAGEMENT_PATHS = [
    ("get", "/engagements/{}/"),
    ("post", "/engagements/{}/accept/"),
    ("post", "/engagements/{}/decline/"),
    ("post", "/engagements/{}/withdraw/"),
    ("post", "/engagements/{}/complete/"),
    ("post", "/engagements/{}/feedback/"),
]
HOSTILE_IDS = ["0", "-1", str(2**63), "99999999999999999999", "x", "1.0", "%00", "１"]


@pytest.mark.parametrize(("method", "path"), REQUEST_PATHS + ENGAGEMENT_PATHS)
def test_hostile_and_walked_ids_are_404s(people, method, path):
    other_draft = draft()  # another SME's
    other_engagement = services.invite_expert(
        request=automotive_request(), expert=able("Li Ming"), actor=people["other_sme"]
    )
    other = other_draft.pk if path.startswith("/help") else other_engagement.pk
    api = client_for(people["member"])
    for hostile in [*HOSTILE_IDS, str(other)]:
        response = getattr(api, method)(API + path.format(hostile), {})
        assert response.status_code == 404, (hostile, response.status_code)


# --- Query counts ---------------------------------------------------------------------------------

MAX_QUERIES = 12


def count(api, path: str) -> int:
    api.get(path)  # warm caches (reference data, the viewer)
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def test_lists_cost_the_same_at_two_sizes(people):
    owner, sme, wang = people["owner"], people["sme"], people["expert"]
    request = automotive_request(owner, sme)
    offering = [able(f"Offering expert {n}") for n in range(8)]

    def grow(size: int) -> None:
        for _ in range(size):
            draft(owner, sme)
            automotive_request()
            asked = automotive_request()
            services.invite_expert(request=asked, expert=wang, actor=asked.author)
            services.offer_help(request=request, expert=offering.pop())

    paths = {
        owner: ["/help-requests/", f"/help-requests/{request.pk}/engagements/"],
        wang: ["/help-requests/for-you/", "/engagements/"],
    }
    grow(2)
    small = {
        (user.pk, path): count(client_for(user), API + path)
        for user in paths
        for path in paths[user]
    }
    grow(5)
    large = {
        (user.pk, path): count(client_for(user), API + path)
        for user in paths
        for path in paths[user]
    }
    assert large == small
    assert max(large.values()) <= MAX_QUERIES
    for user, user_paths in paths.items():
        for path in user_paths:
            data = client_for(user).get(API + path).json()
            rows = data["results"] if isinstance(data, dict) else data
            assert len(rows) >= 5, path


def test_a_request_and_its_matches_cost_the_same_with_more_experts(people):
    request = automotive_request(people["owner"], people["sme"])
    api = client_for(people["owner"])
    paths = [f"{API}/help-requests/{request.pk}/", f"{API}/help-requests/{request.pk}/matches/"]
    small = [count(api, path) for path in paths]
    for number in range(4):
        able(f"Expert {number}", languages=["cmn"])
    large = [count(api, path) for path in paths]
    assert large == small
    assert max(large) <= MAX_QUERIES
    assert len(api.get(paths[1]).json()) == 5
