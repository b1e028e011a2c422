import factory

from notifications.models import Notification
from tests.members.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    """A notification row as ``notify`` writes it, without asking the member's preferences."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "test_reply"
    actor = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Thread {n}")
    url = factory.Sequence(lambda n: f"/forums/t/{n + 1}/")
    email_pending = True
