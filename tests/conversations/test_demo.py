import pytest
from django.core.management import call_command

from conversations.demo import SUBJECT
from conversations.models import Conversation

pytestmark = pytest.mark.django_db


def test_the_demo_conversation_has_a_question_and_its_answer_once(capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert "Demo conversation: already there." in capsys.readouterr().out
    conversation = Conversation.objects.get(subject=SUBJECT)
    authors = list(
        conversation.messages.order_by("pk").values_list("author__display_name", flat=True)
    )
    assert authors == ["Marie Tremblay", "Li Wei"]
