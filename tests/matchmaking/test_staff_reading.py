"""Only the participants and staff see an engagement's conversation: staff read it through the
engagement's page, read-only, and each reading is audited."""

import pytest

from conversations.services import send_message
from core.models import AuditEvent
from matchmaking import selectors, services
from tests.matchmaking.factories import expert, published, sector, sme_member
from tests.members.factories import MembershipFactory, UserFactory, with_authenticator

pytestmark = pytest.mark.django_db


def engagement_with_a_message():
    owner, sme = sme_member()
    request = published(owner, sme, sectors=[sector("automotive")])
    wang = expert("Wang Fang", advice_topics=["supplier audits"], sectors=[sector("automotive")])
    invitation = services.invite_expert(request=request, expert=wang.user, actor=owner)
    engagement = services.accept(engagement=invitation, actor=wang.user)
    conversation = selectors.conversation_of(engagement)
    send_message(author=wang.user, conversation=conversation, body="Our audit plan, 私密")
    return engagement


def test_staff_read_the_conversation_from_the_engagement_page_and_it_is_audited(client):
    engagement = engagement_with_a_message()
    staff = with_authenticator(UserFactory(is_staff=True))
    client.force_login(staff)
    page = client.get(engagement.get_absolute_url()).content.decode()
    path = f"/requests/engagements/{engagement.pk}/conversation/"
    assert path in page
    page = client.get(path).content.decode()
    assert "Our audit plan, 私密" in page
    assert 'name="body"' not in page  # staff read, they do not write
    event = AuditEvent.objects.get(action="matchmaking.read_engagement_conversation")
    assert (event.actor, event.target) == (staff, engagement)


def test_nobody_else_reads_it_there(client):
    engagement = engagement_with_a_message()
    path = f"/requests/engagements/{engagement.pk}/conversation/"
    assert client.get(path).status_code == 302
    other_sme, _ = sme_member()
    colleague = MembershipFactory(organisation=engagement.request.organisation).user
    for member, status in [
        (UserFactory(), 404),
        (other_sme, 404),
        (engagement.expert, 403),  # a participant reads it in their messages
        (colleague, 403),
    ]:
        client.force_login(member)
        response = client.get(path)
        assert response.status_code == status, member
        assert "Our audit plan" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="matchmaking.read_engagement_conversation")


@pytest.mark.parametrize("walked", ["0", "-1", "99999999", "9223372036854775808", "x"])
def test_a_walked_engagement_id_is_not_found(client, walked):
    client.force_login(with_authenticator(UserFactory(is_staff=True)))
    assert client.get(f"/requests/engagements/{walked}/conversation/").status_code == 404
