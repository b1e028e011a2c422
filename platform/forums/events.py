"""What the forums tell the apps above them, which they may not import.

``post_held`` is sent when a new member's post (or, for an opening post, their thread) is held
for a moderator's review (``MODERATION_HOLD_FIRST_POSTS``); nobody but its author and staff
reads it until then, and nobody is told of it.

``hidden_post_edited`` is sent (after the edit is saved, in its transaction) when the author of a
post moderators hid changes it: moderation takes it as a request for another review."""

from django.dispatch import Signal

hidden_post_edited = Signal()  # sender=Post, post=Post, editor=User
post_held = Signal()  # sender=Post, post=Post
