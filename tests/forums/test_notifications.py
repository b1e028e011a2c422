"""What members hear of forum activity, by e-mail through the real worker and a real SMTP
listener: replies to their threads and mentions, batched per thread; nothing from a category
they may not read."""

from forums import services
from forums.models import Category
from members.trust import TrustLevel
from notifications.tasks import send_notification_emails
from tests.forums.factories import CategoryFactory, pause_passes
from tests.members.factories import UserFactory

BODY = "We shipped through Vancouver; the broker needed the commercial invoice in English."


def member(**fields):
    return UserFactory(trust_level=TrustLevel.MEMBER, onboarded=True, **fields)


def test_replies_and_a_mention_reach_members_by_mail_one_per_kind(email_through_the_worker):
    inbox = email_through_the_worker
    author = member(display_name="Marie Tremblay", language="fr")
    thread = services.start_thread(
        author=author,
        category=CategoryFactory(),
        title="Shipping seafood from Vancouver to Shanghai",
        body=BODY,
    )
    mentioned = member(display_name="Li Wei", language="zh-hans")
    replier = member(display_name="Sam Okafor")
    for number in range(3):
        body = f"{BODY} ({number})"
        if number == 2:
            body += f" @{mentioned.profile.handle} knows the Shanghai side."
        services.post_reply(author=replier, thread=thread, body=body)
        pause_passes(replier)

    send_notification_emails.delay()
    received = {message["To"]: message for message in inbox.wait_for(2)}
    assert set(received) == {author.email, mentioned.email}
    to_author = received[author.email].get_body(("plain",)).get_content()
    assert "3" in received[author.email]["Subject"]  # one mail for the three replies
    assert f"/forums/t/{thread.pk}/" in to_author
    to_mentioned = received[mentioned.email].get_body(("plain",)).get_content()
    assert "Sam Okafor" in to_mentioned
    assert mentioned.email not in to_author
    assert author.email not in to_mentioned


def test_a_mention_in_a_staff_only_category_mails_no_one_outside_it(email_through_the_worker):
    inbox = email_through_the_worker
    staff = member(is_staff=True)
    outsider = member()
    thread = services.start_thread(
        author=staff,
        category=CategoryFactory(restriction=Category.Restriction.STAFF),
        title="Moderation notes for the spring trade mission",
        body=f"{BODY} cc @{outsider.profile.handle}",
    )
    services.post_reply(author=member(is_staff=True), thread=thread, body=BODY)
    send_notification_emails.delay()
    (message,) = inbox.wait_for(1)
    assert message["To"] == staff.email  # the reply to their thread, and nothing else
