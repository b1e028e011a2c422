"""Facilitators refer requests to members and organisations, and follow how each ended in their
ledger: the rules, who may refer and see what, hostile input, and the pages' query counts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matchmaking import services
from matchmaking.models import Engagement, HelpRequest, Referral
from matchmaking.selectors import Outcome, ledger_summary, referral_ledger
from members.models import Membership, Organisation
from notifications.models import Notification
from tests.matchmaking.factories import draft, expert, published, sector, sme_member
from tests.members.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    with_authenticator,
)

pytestmark = pytest.mark.django_db


def facilitator(name="Claire Dubois", organisation=None):
    """A member of a facilitator organisation (a new one unless given)."""
    organisation = organisation or OrganisationFactory(
        name="Ontario Trade Office", kind=Organisation.Kind.PUBLIC_FACILITATOR
    )
    return MembershipFactory(organisation=organisation, user__display_name=name).user


def automotive_request(**changes):
    return published(
        description="We need supplier audits an Ontario assembler will accept. " * 2,
        sectors=[sector("automotive")],
        **changes,
    )


def able(name="Wang Fang", **changes):
    fit = {"advice_topics": ["supplier audits"], "sectors": [sector("automotive")]}
    return expert(name, **fit, **changes).user


def kinds_told(member) -> set[str]:
    return set(Notification.objects.filter(recipient=member).values_list("kind", flat=True))


def test_a_referral_to_an_expert_tells_them_and_the_sme_and_the_ledger_follows_it():
    request = automotive_request()
    claire, wang = facilitator(), able()
    services.refer(request=request, referred_by=claire, member=wang, note="She audited Magna.")
    assert kinds_told(wang) == {"matchmaking.referred"}
    assert "matchmaking.referral_made" in kinds_told(request.author)
    assert [r.outcome for r in referral_ledger(claire)] == [Outcome.WAITING]

    offer = services.offer_help(request=request, expert=wang, message="Happy to.")
    assert [r.outcome for r in referral_ledger(claire)] == [Outcome.ASKED]
    services.accept(engagement=offer, actor=request.author)
    assert [r.outcome for r in referral_ledger(claire)] == [Outcome.UNDER_WAY]
    services.complete_engagement(engagement=offer, actor=request.author)
    assert [r.outcome for r in referral_ledger(claire)] == [Outcome.HELPED]


def test_a_referral_to_an_organisation_tells_its_owners_and_ends_with_its_members_engagement():
    request = automotive_request()
    claire = facilitator()
    firm = MembershipFactory(
        role=Membership.Role.OWNER, organisation__kind=Organisation.Kind.PRIVATE_FACILITATOR
    )
    colleague = able("Li Wei")
    MembershipFactory(organisation=firm.organisation, user=colleague)
    services.refer(request=request, referred_by=claire, organisation=firm.organisation)
    assert "matchmaking.referred_to_organisation" in kinds_told(firm.user)
    assert "matchmaking.referred_to_organisation" not in kinds_told(colleague)

    invitation = services.invite_expert(request=request, expert=colleague, actor=request.author)
    services.decline(engagement=invitation, actor=colleague, reason="Too busy.")
    assert [r.outcome for r in referral_ledger(claire)] == [Outcome.NOT_TAKEN]


def test_a_referral_not_taken_up_ends_as_its_request_did():
    claire = facilitator()
    resolved, withdrawn = automotive_request(), automotive_request()
    for request in (resolved, withdrawn):
        services.refer(request=request, referred_by=claire, member=able())
    services.resolve_request(request=resolved, actor=resolved.author)
    services.withdraw_request(request=withdrawn, actor=withdrawn.author)
    outcomes = {r.request_id: r.outcome for r in referral_ledger(claire)}
    assert outcomes == {resolved.pk: Outcome.RESOLVED_OTHERWISE, withdrawn.pk: Outcome.CLOSED}
    counts = {key: count for key, _label, count in ledger_summary(referral_ledger(claire))}
    assert counts[Outcome.RESOLVED_OTHERWISE] == counts[Outcome.CLOSED] == 1
    assert counts[Outcome.HELPED] == 0


def test_colleagues_in_a_facilitator_organisation_share_a_ledger_and_others_do_not():
    claire = facilitator()
    office = claire.memberships.get().organisation
    marc = facilitator("Marc Tremblay", organisation=office)
    outsider = facilitator("Ann Lee")
    services.refer(request=automotive_request(), referred_by=claire, member=able())
    assert referral_ledger(marc).count() == 1
    assert referral_ledger(outsider).count() == 0


@pytest.mark.parametrize(
    "case",
    ["not a facilitator", "draft", "invited only", "awaits review", "ended", "twice"],
)
def test_the_rules_of_referring(case):
    claire, wang = facilitator(), able()
    referrer = UserFactory() if case == "not a facilitator" else claire
    request = {
        "draft": lambda: draft(sectors=[sector("automotive")]),
        "invited only": lambda: automotive_request(audience=HelpRequest.Audience.INVITED),
        "awaits review": lambda: automotive_request(sensitive=True),
    }.get(case, automotive_request)()
    if case == "ended":
        services.withdraw_request(request=request, actor=request.author)
    if case == "twice":
        services.refer(request=request, referred_by=claire, member=wang)
    with pytest.raises(ValidationError):
        services.refer(request=request, referred_by=referrer, member=wang)
    assert Referral.objects.count() == (1 if case == "twice" else 0)


@pytest.mark.parametrize("target", ["self", "the SME's own member", "paused", "own SME"])
def test_a_referral_goes_to_someone_else_who_can_help(target):
    request = automotive_request()
    claire = facilitator()
    member = {
        "self": lambda: claire,
        "the SME's own member": lambda: MembershipFactory(organisation=request.organisation).user,
        "paused": lambda: able(paused=True),
        "own SME": lambda: None,
    }[target]()
    to = {"member": member} if member else {"organisation": request.organisation}
    with pytest.raises(ValidationError):
        services.refer(request=request, referred_by=claire, **to)


# --- Pages ----------------------------------------------------------------------------------------


def test_a_facilitator_refers_from_the_request_page_by_the_profile_address(client):
    request = automotive_request()
    claire, wang = facilitator(), able()
    client.force_login(claire)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Refer this request" in page
    address = f"https://knowbridge.example/members/{wang.profile.handle}/"
    response = client.post(
        f"/requests/{request.pk}/refer/", {"to": address, "note": "Ask her about Magna."}
    )
    assert response.status_code == 302
    assert Referral.objects.get().member == wang

    ledger = client.get("/requests/referrals/").content.decode()
    assert request.title in ledger
    assert "Wang Fang" in ledger
    assert "No engagement yet" in ledger
    assert "<meter" in ledger

    client.force_login(request.author)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Ask her about Magna." in page
    assert "Claire Dubois" in page
    assert "Refer this request" not in page


def test_a_facilitator_refers_to_an_organisation_by_its_page_address(client):
    request = automotive_request()
    firm = OrganisationFactory(name="Harbour Law", slug="harbour-law")
    client.force_login(facilitator())
    client.post(f"/requests/{request.pk}/refer/", {"to": "/organisations/harbour-law/"})
    assert Referral.objects.get().organisation == firm


@pytest.mark.parametrize(
    "to",
    [
        "nobody-here",
        "/members/zzzzzz/",
        "/forums/",
        "https://evil.example/organisations/%00/",
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "x" * 301,
        "",
    ],
)
def test_a_bad_address_is_refused_with_a_reason_and_keeps_the_note(client, to):
    request = automotive_request()
    client.force_login(facilitator())
    response = client.post(
        f"/requests/{request.pk}/refer/", {"to": to, "note": "Keep this note 文字"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Keep this note 文字" in page
    assert "<script>alert(1)</script>" not in page
    assert Referral.objects.count() == 0


def test_a_refused_referral_says_why_on_the_page(client):
    request = automotive_request()
    claire = facilitator()
    paused = able("Paused Pat", paused=True)
    client.force_login(claire)
    response = client.post(f"/requests/{request.pk}/refer/", {"to": paused.profile.handle})
    assert response.status_code == 400
    assert "taking a break" in response.content.decode()


def test_who_may_refer_and_see_referrals(client):
    request = automotive_request()
    claire = facilitator()
    services.refer(request=request, referred_by=claire, member=able(), note="Secret-ish note")
    other_sme, _ = sme_member()
    expert_member = able("Li Wei")
    staff = with_authenticator(UserFactory(is_staff=True))

    client.logout()
    assert client.post(f"/requests/{request.pk}/refer/", {"to": "x"}).status_code == 302
    for member, may_refer, sees_note in [
        (request.author, False, True),
        (other_sme, False, False),
        (expert_member, False, False),
        (staff, False, True),
        (claire, True, False),
    ]:
        client.force_login(member)
        page = client.get(f"/requests/{request.pk}/").content.decode()
        assert ("Refer this request" in page) is may_refer, member
        assert ("Secret-ish note" in page) is sees_note, member
        refused = client.post(f"/requests/{request.pk}/refer/", {"to": "x"}).status_code
        assert (refused == 403) is not may_refer, member


def test_an_invited_only_request_is_no_one_elses_to_refer(client):
    request = automotive_request(audience=HelpRequest.Audience.INVITED)
    client.force_login(facilitator())
    assert client.post(f"/requests/{request.pk}/refer/", {"to": "x"}).status_code == 404


@pytest.mark.parametrize("walked", ["0", "-1", "99999999", "9223372036854775808", "x"])
def test_a_walked_request_id_is_not_found(client, walked):
    client.force_login(facilitator())
    assert client.post(f"/requests/{walked}/refer/", {"to": "x"}).status_code == 404


def test_the_ledger_of_a_member_who_is_not_a_facilitator_explains_referrals(client):
    client.force_login(UserFactory())
    page = client.get("/requests/referrals/").content.decode()
    assert "Facilitators refer help requests" in page


def test_the_ledger_costs_the_same_with_more_referrals(client):
    claire = facilitator()
    client.force_login(claire)

    def refer_one():
        request = automotive_request()
        wang = able()
        services.refer(request=request, referred_by=claire, member=wang)
        offer = services.offer_help(request=request, expert=wang)
        services.accept(engagement=offer, actor=request.author)

    refer_one()
    few = _queries(client, "/requests/referrals/")
    for _ in range(4):
        refer_one()
    services.refer(
        request=automotive_request(), referred_by=claire, organisation=OrganisationFactory()
    )
    assert _queries(client, "/requests/referrals/") == few
    assert Engagement.objects.filter(status=Engagement.Status.ACCEPTED).count() == 5


def test_the_request_page_costs_the_same_with_more_referrals(client):
    request = automotive_request()
    client.force_login(request.author)
    services.refer(request=request, referred_by=facilitator(), member=able())
    few = _queries(client, f"/requests/{request.pk}/")
    for n in range(4):
        services.refer(request=request, referred_by=facilitator(f"F{n}"), member=able(f"E{n}"))
    assert _queries(client, f"/requests/{request.pk}/") == few


def _queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)
