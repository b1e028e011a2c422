"""Follow-ups 30 and 90 days after an engagement: planned when it is completed (by the SME or by
resolving the request), asked once each when due, answered once by the SME; who sees and answers
them, bad input, and the page's query count."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matchmaking import services
from matchmaking.models import FollowUp
from notifications.models import Notification
from tests.matchmaking.factories import expert, published, sector, sme_member
from tests.members.factories import MembershipFactory, UserFactory, with_authenticator

pytestmark = pytest.mark.django_db


def engagement_under_way(owner=None, sme=None):
    if owner is None:
        owner, sme = sme_member()
    request = published(owner, sme, sectors=[sector("automotive")])
    wang = expert("Wang Fang", advice_topics=["supplier audits"], sectors=[sector("automotive")])
    invitation = services.invite_expert(request=request, expert=wang.user, actor=owner)
    return services.accept(engagement=invitation, actor=wang.user)


def completed(**kwargs):
    engagement = engagement_under_way(**kwargs)
    return services.complete_engagement(engagement=engagement, actor=engagement.request.author)


def asked(engagement, after_days=30) -> FollowUp:
    FollowUp.objects.filter(engagement=engagement, after_days=after_days).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    services.ask_follow_ups()
    return FollowUp.objects.get(engagement=engagement, after_days=after_days)


def test_completing_an_engagement_plans_check_ins_30_and_90_days_later():
    engagement = completed()
    plans = {f.after_days: f.due_at - engagement.completed_at for f in FollowUp.objects.all()}
    assert plans == {30: timedelta(days=30), 90: timedelta(days=90)}


def test_resolving_the_request_plans_them_for_the_engagements_it_completes():
    engagement = engagement_under_way()
    services.resolve_request(request=engagement.request, actor=engagement.request.author)
    assert FollowUp.objects.filter(engagement=engagement).count() == 2


def test_an_engagement_withdrawn_with_its_request_has_no_follow_up():
    engagement = engagement_under_way()
    services.withdraw_request(request=engagement.request, actor=engagement.request.author)
    assert not FollowUp.objects.exists()


def test_a_follow_up_is_asked_once_when_due_and_not_before():
    engagement = completed()
    assert services.ask_follow_ups() == 0
    later = timezone.now() + timedelta(days=31)
    assert services.ask_follow_ups(now=later) == 1
    assert services.ask_follow_ups(now=later) == 0
    told = Notification.objects.filter(kind="matchmaking.follow_up")
    assert list(told.values_list("recipient", flat=True)) == [engagement.request.author_id]
    assert services.ask_follow_ups(now=later + timedelta(days=60)) == 1


def test_the_sme_answers_once():
    engagement = completed()
    follow_up = asked(engagement)
    services.answer_follow_up(
        follow_up=follow_up, author=engagement.request.author, use="applied", story="A sale."
    )
    with pytest.raises(ValidationError):
        services.answer_follow_up(
            follow_up=follow_up, author=engagement.request.author, use="partly"
        )
    follow_up.refresh_from_db()
    assert (follow_up.use, follow_up.story) == ("applied", "A sale.")


def test_a_follow_up_not_due_cannot_be_answered():
    engagement = completed()
    follow_up = FollowUp.objects.get(engagement=engagement, after_days=90)
    with pytest.raises(ValidationError):
        services.answer_follow_up(follow_up=follow_up, author=engagement.request.author, use="x")


# --- Pages ----------------------------------------------------------------------------------------


def test_the_sme_answers_from_the_mailed_link_and_the_engagement_page_shows_it(client):
    engagement = completed()
    follow_up = asked(engagement)
    client.force_login(engagement.request.author)
    page = client.get(follow_up.get_absolute_url()).content.decode()
    assert "Wang Fang helped your SME" in page
    response = client.post(
        follow_up.get_absolute_url(), {"use": "partly", "story": "We found a partner."}
    )
    assert response.status_code == 302
    page = client.get(engagement.get_absolute_url()).content.decode()
    assert "We used part of it" in page
    assert "We found a partner." in client.get(follow_up.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "data", [{}, {"use": "bogus"}, {"use": "applied", "story": "x" * 2001}, {"use": "\x00"}]
)
def test_bad_answers_are_refused_with_a_reason_and_keep_what_was_typed(client, data):
    engagement = completed()
    follow_up = asked(engagement)
    client.force_login(engagement.request.author)
    response = client.post(follow_up.get_absolute_url(), {"story": "Kept 保留", **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="errorlist' in page
    if "story" not in data:
        assert "Kept 保留" in page
    follow_up.refresh_from_db()
    assert not follow_up.is_answered


def test_who_sees_and_answers_a_follow_up(client):
    owner, sme = sme_member()
    engagement = completed(owner=owner, sme=sme)
    follow_up = asked(engagement)
    colleague = MembershipFactory(organisation=sme).user
    other_sme, _ = sme_member()
    staff = with_authenticator(UserFactory(is_staff=True))
    url = follow_up.get_absolute_url()

    assert client.get(url).status_code == 302  # visitors log in first
    for member, status, answers in [
        (owner, 200, True),
        (colleague, 200, True),
        (engagement.expert, 404, False),
        (other_sme, 404, False),
        (UserFactory(), 404, False),
        (staff, 200, False),
    ]:
        client.force_login(member)
        response = client.get(url)
        assert response.status_code == status, member
        assert ('name="use"' in response.content.decode()) is answers, member
        if not answers:
            assert client.post(url, {"use": "applied"}).status_code in (403, 404)
    follow_up.refresh_from_db()
    assert not follow_up.is_answered


def test_a_follow_up_not_yet_asked_is_not_found(client):
    engagement = completed()
    client.force_login(engagement.request.author)
    follow_up = FollowUp.objects.get(engagement=engagement, after_days=30)
    assert client.get(follow_up.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("walked", ["0", "-1", "99999999", "9223372036854775808", "x"])
def test_a_walked_follow_up_id_is_not_found(client, walked):
    client.force_login(UserFactory())
    assert client.get(f"/requests/follow-ups/{walked}/").status_code == 404


def test_the_follow_up_page_costs_the_same_with_more_data(client):
    owner, sme = sme_member()
    engagement = completed(owner=owner, sme=sme)
    follow_up = asked(engagement)
    client.force_login(owner)
    few = _queries(client, follow_up.get_absolute_url())
    for _ in range(3):
        asked(completed(owner=owner, sme=sme))
    assert _queries(client, follow_up.get_absolute_url()) == few


def _queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)
