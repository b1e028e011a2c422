from forums.models import Post
from moderation import services, targets
from tests.economy.factories import administrator, moderator, staff
from tests.forums.factories import PostFactory, ThreadFactory
from tests.members.factories import UserFactory

__all__ = ["administrator", "flag_post", "flagged_post", "moderator", "staff"]


def flag_post(post: Post, *flaggers, reason: str = "spam"):
    """Each of ``flaggers`` flags ``post`` through the service, as the page does."""
    for flagger in flaggers:
        target = targets.resolve(flagger, "post", str(post.pk))
        services.flag(flagger=flagger, target=target, reason=reason)


def flagged_post(*, flaggers: int = 1, reason: str = "spam", **fields) -> Post:
    """A reply in a thread, flagged by ``flaggers`` basic members (weighing 1 each)."""
    thread = ThreadFactory(title=fields.pop("title", "Cheap visas, write to me"))
    post = PostFactory(thread=thread, **fields)
    flag_post(post, *(UserFactory(trust_level=1) for _ in range(flaggers)), reason=reason)
    return post
