"""Reactions to the apps below: a new member's post held for review, and the author of a hidden
post editing it to ask for another review."""

from django.dispatch import receiver

from forums.events import hidden_post_edited, post_held
from moderation import services
from moderation.models import Flag


@receiver(post_held, dispatch_uid="moderation.review_held_post")
def review_held_post(sender, post, **kwargs):
    """A held opening post holds its thread: the case is about the thread."""
    opening = post.is_opening
    services.hold(
        kind=Flag.Kind.THREAD if opening else Flag.Kind.POST,
        object_id=post.thread_id if opening else post.pk,
        author=post.author,
        label=post.thread.title,
        url=post.get_absolute_url(),
    )


@receiver(hidden_post_edited, dispatch_uid="moderation.review_edited_post")
def review_edited_post(sender, post, editor, **kwargs):
    services.ask_for_review(
        kind=Flag.Kind.POST,
        object_id=post.pk,
        author=editor,
        label=post.thread.title,
        url=post.get_absolute_url(),
    )
