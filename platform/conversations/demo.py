"""A demo conversation for `make run`: Marie Tremblay asks Li Wei about a supplier, he answers.

Written through the services, then dated back a few days so the demo members' pace limits are not
spent and the inbox shows a believable history.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Message, Participant
from members.models import User

SUBJECT = "Fournisseurs d'emballages à Shenzhen"
MESSAGES = (
    (
        "marie.tremblay@demo.knowbridge.local",
        "Bonjour Li Wei, j'ai lu votre profil : connaîtriez-vous un fournisseur d'emballages "
        "alimentaires à Shenzhen qui a déjà travaillé avec des PME canadiennes ?",
    ),
    (
        "li.wei@demo.knowbridge.local",
        "您好 Marie，我认识两家做食品包装的深圳工厂，都给加拿大客户供过货。"
        "I can introduce you next week; which quantities do you expect for the first order?",
    ),
)


@transaction.atomic
def load_demo_conversation() -> bool:
    """The demo conversation, unless it is there already; True when it was created."""
    if Conversation.objects.filter(subject=SUBJECT).exists():
        return False
    writers = {user.email: user for user in User.objects.filter(email__in=dict(MESSAGES))}
    (first_author, first_body), (reply_author, reply_body) = MESSAGES
    conversation = services.start_conversation(
        author=writers[first_author],
        recipients=[writers[reply_author]],
        body=first_body,
        subject=SUBJECT,
    )
    _date_back(conversation, days=3)
    services.send_message(author=writers[reply_author], conversation=conversation, body=reply_body)
    return True


def _date_back(conversation: Conversation, *, days: int) -> None:
    when = timezone.now() - timedelta(days=days)
    Message.objects.filter(conversation=conversation).update(created_at=when)
    Participant.objects.filter(conversation=conversation).update(last_message_at=when)
    Conversation.objects.filter(pk=conversation.pk).update(created_at=when, last_message_at=when)
