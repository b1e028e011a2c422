"""Moderators hide a private message from the others in its conversation and a help request from
everyone outside its SME; profiles and organisations are answered through their member."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matchmaking.models import HelpRequest
from moderation import services, targets
from moderation.models import Case
from tests.conversations.factories import add_message, conversation
from tests.conversations.factories import member as conversing_member
from tests.conversations.test_api import api
from tests.matchmaking.factories import published, sme_member
from tests.members.factories import UserFactory, listed_member
from tests.moderation.factories import moderator

pytestmark = pytest.mark.django_db


def flag(flagger, kind: str, key) -> Case:
    services.flag(flagger=flagger, target=targets.resolve(flagger, kind, str(key)), reason="abuse")
    return Case.objects.get(kind=kind)


def test_a_hidden_message_keeps_its_place_but_not_its_words_for_the_others(client):
    sender, reader = conversing_member(), conversing_member()
    chat = conversation(sender, reader)
    message = add_message(chat, sender, "You will regret this, I know where you work")
    case = flag(reader, "message", message.pk)
    services.decide(moderator=moderator(), case=case, action="hide", reason="Threats")
    page = reverse("conversations:detail", args=[chat.pk])
    client.force_login(reader)
    shown = client.get(page).content.decode()
    assert "I know where you work" not in shown
    assert "hidden while the moderators review it" in shown
    listed = api(reader).get(f"/api/v1/conversations/{chat.pk}/messages/").json()["results"]
    hidden = next(item for item in listed if item["id"] == message.pk)
    assert (hidden["body"], hidden["html"], hidden["hidden"]) == (None, None, True)
    client.force_login(sender)
    assert "I know where you work" in client.get(page).content.decode()


def test_a_hidden_help_request_leaves_the_members_list_but_not_its_sme():
    owner, sme = sme_member()
    request = published(owner, sme, title="Wholesale contacts, cash only")
    outsider = UserFactory(onboarded=True)
    case = flag(outsider, "request", request.pk)
    services.decide(moderator=moderator(), case=case, action="hide", reason="Not a real request")
    assert HelpRequest.objects.get(pk=request.pk).awaits_review
    assert api(outsider).get(f"/api/v1/help-requests/{request.pk}/").status_code == 404
    assert api(owner).get(f"/api/v1/help-requests/{request.pk}/").status_code == 200
    services.decide(
        moderator=moderator(),
        case=Case.objects.get(),
        action="restore",
        reason="Checked with the SME",
    )
    assert not HelpRequest.objects.get(pk=request.pk).awaits_review


def test_profiles_are_answered_through_their_member_not_hidden():
    flagger = UserFactory(onboarded=True)
    profile = listed_member("Lu Xun")
    case = flag(flagger, "profile", profile.handle)
    assert services.actions_for(case, hidden=False) == ["dismiss", "warn", "suspend", "ban"]
    with pytest.raises(ValidationError, match="warn, suspend or ban the member"):
        services.decide(moderator=moderator(), case=case, action="hide", reason="Offensive")
