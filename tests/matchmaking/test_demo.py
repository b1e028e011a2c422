import pytest
from django.core.management import call_command

from matchmaking.demo import OPEN_TITLE, RESOLVED_TITLE
from matchmaking.models import Engagement, FollowUp, HelpRequest, Referral
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_demo_shows_each_step_of_matchmaking_once(capsys, client):
    call_command("load_demo")
    call_command("load_demo")
    assert "Demo help requests: already there." in capsys.readouterr().out
    open_request = HelpRequest.objects.get(title=OPEN_TITLE)
    assert open_request.status == HelpRequest.Status.OPEN
    assert open_request.engagements.get().status == Engagement.Status.PENDING
    assert Referral.objects.get().member.display_name == "Chen Jing"
    resolved = HelpRequest.objects.get(title=RESOLVED_TITLE)
    assert resolved.status == HelpRequest.Status.RESOLVED
    engagement = resolved.engagements.get()
    assert engagement.feedback.count() == 2
    follow_up = FollowUp.objects.get(engagement=engagement, asked_at__isnull=False)
    marie = resolved.author
    assert Notification.objects.filter(recipient=marie, kind="matchmaking.follow_up").exists()

    client.force_login(marie)
    assert "GB 7718" in client.get(resolved.get_absolute_url()).content.decode()
    assert client.get(follow_up.get_absolute_url()).status_code == 200
    page = client.get(open_request.get_absolute_url()).content.decode()
    assert "Chen Jing" in page
