"""Help requests through their life: drafting, the readiness check, publishing, staff review of
sensitive requests, withdrawing, resolving, and the deadline (warning, then expiry)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent
from matchmaking import services
from matchmaking.models import HelpRequest
from members.models import Organisation
from notifications.models import Notification
from tests.matchmaking.factories import (
    SensitiveTermFactory,
    draft,
    published,
    ready_fields,
    sme_member,
)
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = HelpRequest.Status


def kinds_sent_to(member) -> list[str]:
    return list(Notification.objects.filter(recipient=member).values_list("kind", flat=True))


def test_a_draft_is_saved_with_what_was_given_and_its_description_rendered_safely():
    author, sme = sme_member()
    request = services.create_request(
        author=author,
        organisation=sme,
        title="苏州制造商寻找安大略客户",
        description="**Brakes** <script>alert(1)</script> [site](javascript:alert(1))",
    )
    assert request.status == Status.DRAFT
    assert request.contact == author
    assert "<strong>Brakes</strong>" in request.description_html
    assert "<script" not in request.description_html
    assert "javascript:" not in request.description_html


def test_only_an_sme_posts_requests():
    author = UserFactory()
    facilitator = OrganisationFactory(kind=Organisation.Kind.PUBLIC_FACILITATOR)
    MembershipFactory(user=author, organisation=facilitator)
    with pytest.raises(ValidationError) as raised:
        services.create_request(author=author, organisation=facilitator, title="A" * 20)
    assert raised.value.code == "not_an_sme"


@pytest.mark.parametrize(
    ("title", "field"),
    [("Help", "title"), ("x" * 161, "title"), ("Brake parts\x00 for Ontario", "title")],
)
def test_a_bad_title_is_refused_by_field(title, field):
    author, sme = sme_member()
    with pytest.raises(ValidationError) as raised:
        services.create_request(author=author, organisation=sme, title=title)
    assert set(raised.value.error_dict) == {field}


def test_a_six_character_chinese_title_is_a_title():
    author, sme = sme_member()
    assert services.create_request(author=author, organisation=sme, title="寻找安省客户").pk


def test_the_point_of_contact_is_one_of_the_smes_members():
    author, sme = sme_member()
    with pytest.raises(ValidationError) as raised:
        draft(author, sme, contact=UserFactory())
    assert set(raised.value.error_dict) == {"contact"}


def test_the_readiness_check_lists_what_a_draft_lacks_by_field():
    author, sme = sme_member()
    request = services.create_request(author=author, organisation=sme, title="寻找安省客户")
    missing = services.missing_for_publishing(request)
    assert set(missing) == {"description", "deliverable", "kind", "sectors", "size", "deadline"}
    assert services.missing_for_publishing(draft(author, sme)) == {}


@pytest.mark.parametrize(("days", "ready"), [(-1, False), (0, False), (1, True), (400, False)])
def test_the_deadline_is_after_today_and_within_a_year(days, ready):
    request = draft(deadline=timezone.localdate() + timedelta(days=days))
    assert ("deadline" not in services.missing_for_publishing(request)) is ready


def test_a_draft_that_is_not_ready_is_not_published():
    author, sme = sme_member()
    request = services.create_request(author=author, organisation=sme, title="寻找安省客户")
    with pytest.raises(ValidationError) as raised:
        services.publish_request(request=request, actor=author)
    assert "deadline" in raised.value.error_dict
    request.refresh_from_db()
    assert request.status == Status.DRAFT


def test_publishing_opens_the_request_once():
    request = published()
    assert request.status == Status.OPEN
    assert request.published_at is not None
    assert request.matchable
    with pytest.raises(ValidationError):
        services.publish_request(request=request, actor=request.author)


def test_a_published_request_cannot_lose_what_publishing_needs():
    request = published()
    with pytest.raises(ValidationError) as raised:
        services.update_request(request=request, deliverable="")
    assert set(raised.value.error_dict) == {"deliverable"}
    request.refresh_from_db()
    assert request.deliverable


def test_a_ticked_sensitive_request_waits_for_staff_who_clear_it_with_an_audit_event():
    staff = UserFactory(is_staff=True)
    request = published(sensitive=True)
    assert request.awaits_review
    assert not request.matchable
    assert kinds_sent_to(staff) == ["matchmaking.review_needed"]
    services.approve_request(request=request, actor=staff, reason="Civil use only")
    request.refresh_from_db()
    assert request.matchable
    event = AuditEvent.objects.get(action="matchmaking.approve_request")
    assert (event.actor, event.reason) == (staff, "Civil use only")
    assert "matchmaking.request_approved" in kinds_sent_to(request.author)


def test_a_request_holding_a_term_staff_listed_waits_for_review_too():
    SensitiveTermFactory(term="Quantum sensing")
    request = published(description="We build QUANTUM SENSING probes. " * 3)
    assert request.awaits_review
    assert not published(description="We build brake parts for trucks. " * 3).awaits_review


def test_ticking_sensitive_on_a_published_request_asks_for_review():
    request = services.update_request(request=published(), sensitive=True)
    assert request.awaits_review


def test_a_withdrawn_or_resolved_request_ends_and_stays_ended():
    withdrawn = services.withdraw_request(request=published(), actor=None)
    assert (withdrawn.status, withdrawn.closure) == (Status.CLOSED, "withdrawn")
    resolved = services.resolve_request(request=published(), actor=None)
    assert resolved.status == Status.RESOLVED
    for ended in (withdrawn, resolved):
        with pytest.raises(ValidationError):
            services.update_request(request=ended, title="Selling brake parts elsewhere")
        with pytest.raises(ValidationError):
            services.withdraw_request(request=ended, actor=None)
        with pytest.raises(ValidationError):
            services.resolve_request(request=ended, actor=None)


def test_a_draft_can_be_withdrawn_but_not_resolved():
    with pytest.raises(ValidationError):
        services.resolve_request(request=draft(), actor=None)
    assert services.withdraw_request(request=draft(), actor=None).closure == "withdrawn"


def test_open_requests_past_their_deadline_expire_and_their_sme_hears_of_it():
    request = published()
    deadline = request.deadline
    assert services.expire_requests(today=deadline) == 0
    assert services.expire_requests(today=deadline + timedelta(days=1)) == 1
    request.refresh_from_db()
    assert (request.status, request.closure) == (Status.CLOSED, "expired")
    assert "matchmaking.request_expired" in kinds_sent_to(request.author)
    assert services.expire_requests(today=deadline + timedelta(days=2)) == 0


def test_the_sme_is_warned_once_a_few_days_before_the_deadline():
    request = published()
    colleague = MembershipFactory(organisation=request.organisation, role="owner").user
    assert services.warn_before_expiry(today=request.deadline - timedelta(days=4)) == 0
    assert services.warn_before_expiry(today=request.deadline - timedelta(days=3)) == 1
    assert services.warn_before_expiry(today=request.deadline - timedelta(days=2)) == 0
    for member in (request.author, colleague):
        assert kinds_sent_to(member) == ["matchmaking.request_expiring"]


def test_unknown_fields_are_a_programming_error_not_a_silent_loss():
    author, sme = sme_member()
    with pytest.raises(TypeError):
        services.create_request(author=author, organisation=sme, **ready_fields(status="open"))
