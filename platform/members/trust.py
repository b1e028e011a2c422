"""Trust levels, as Discourse has them: what a member may post, and how fast.

New members start limited and rise with reading and helpful posts (the forums promote them) or
when staff set a level. Forums and conversations count what a member posted recently and ask
`check_pace` and `check_content` before they save; both raise a ValidationError whose message
says what to do.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

DAY = timedelta(days=1)


class TrustLevel(models.IntegerChoices):
    NEW = 0, _("New member")
    BASIC = 1, _("Basic member")
    MEMBER = 2, _("Member")
    REGULAR = 3, _("Regular")
    LEADER = 4, _("Leader")


class Action(StrEnum):
    THREAD = "thread"
    REPLY = "reply"
    MESSAGE = "message"


DAILY_LIMIT = {
    Action.THREAD: ngettext_lazy(
        "You can start %(count)d thread a day and have reached that.",
        "You can start %(count)d threads a day and have reached that.",
        "count",
    ),
    Action.REPLY: ngettext_lazy(
        "You can post %(count)d reply a day and have reached that.",
        "You can post %(count)d replies a day and have reached that.",
        "count",
    ),
    Action.MESSAGE: ngettext_lazy(
        "You can send %(count)d private message a day and have reached that.",
        "You can send %(count)d private messages a day and have reached that.",
        "count",
    ),
}
LIMIT_RISES = _("Your limit rises as you read and others find your posts helpful.")
COME_BACK = _("Please come back tomorrow.")


@dataclass(frozen=True)
class Limits:
    per_day: dict[str, int]  # by Action
    links_per_post: int
    mentions_per_post: int
    images: bool
    pause: timedelta  # between two posts or messages of the same member
    recipients: int  # people in a conversation besides its author


UNLIMITED_COUNT = 10_000
LIMITS = {
    TrustLevel.NEW: Limits(
        per_day={Action.THREAD: 3, Action.REPLY: 10, Action.MESSAGE: 5},
        links_per_post=2,
        mentions_per_post=2,
        images=False,
        pause=timedelta(seconds=30),
        recipients=2,
    ),
    TrustLevel.BASIC: Limits(
        per_day={Action.THREAD: 10, Action.REPLY: 50, Action.MESSAGE: 20},
        links_per_post=10,
        mentions_per_post=5,
        images=True,
        pause=timedelta(seconds=10),
        recipients=5,
    ),
    # Everyone has a posting rate limit, even trusted members: a runaway script stops here.
    **dict.fromkeys(
        (TrustLevel.MEMBER, TrustLevel.REGULAR, TrustLevel.LEADER),
        Limits(
            per_day={Action.THREAD: 30, Action.REPLY: 200, Action.MESSAGE: 100},
            links_per_post=50,
            mentions_per_post=10,
            images=True,
            pause=timedelta(seconds=5),
            recipients=10,
        ),
    ),
}


def limits_for(user) -> Limits:
    return LIMITS[TrustLevel(user.trust_level)]


def check_pace(user, action: str, *, posted_today: int, last_posted_at: datetime | None) -> None:
    """Refuse when `user` already did `action` as often as their level allows in the last 24
    hours, or posted anything a moment ago. Staff are not limited."""
    if user.is_staff:
        return
    limits = limits_for(user)
    allowed = limits.per_day[action]
    if posted_today >= allowed:
        advice = LIMIT_RISES if user.trust_level == TrustLevel.NEW else COME_BACK
        raise ValidationError(
            f"{DAILY_LIMIT[action] % {'count': allowed}} {advice}", code="daily_limit"
        )
    if last_posted_at is not None:
        wait = last_posted_at + limits.pause - timezone.now()
        if wait > timedelta(0):
            seconds = max(1, round(wait.total_seconds()))
            raise ValidationError(
                ngettext(
                    "You are posting quickly: please wait %(seconds)d second and try again.",
                    "You are posting quickly: please wait %(seconds)d seconds and try again.",
                    seconds,
                )
                % {"seconds": seconds},
                code="too_fast",
            )


def check_content(user, *, links: int, mentions: int, images: int) -> list[ValidationError]:
    """What a post or message holds beyond the member's level allows, one error per excess
    (returned, so that the form can show them beside the text the member typed)."""
    if user.is_staff:
        return []
    limits = limits_for(user)
    errors = []
    if links > limits.links_per_post:
        errors.append(
            ValidationError(
                ngettext(
                    "At your trust level a post can hold %(count)d link; this one has %(found)d.",
                    "At your trust level a post can hold %(count)d links; this one has %(found)d.",
                    limits.links_per_post,
                )
                % {"count": limits.links_per_post, "found": links},
                code="too_many_links",
            )
        )
    if mentions > limits.mentions_per_post:
        errors.append(
            ValidationError(
                ngettext(
                    "At your trust level a post can mention %(count)d member; "
                    "this one mentions %(found)d.",
                    "At your trust level a post can mention %(count)d members; "
                    "this one mentions %(found)d.",
                    limits.mentions_per_post,
                )
                % {"count": limits.mentions_per_post, "found": mentions},
                code="too_many_mentions",
            )
        )
    if images and not limits.images:
        errors.append(
            ValidationError(
                _("New members cannot add images yet; describe the picture or link to it."),
                code="no_images",
            )
        )
    return errors


def check_recipients(user, count: int) -> None:
    """A conversation's size, besides its author, at the member's level."""
    allowed = UNLIMITED_COUNT if user.is_staff else limits_for(user).recipients
    if count > allowed:
        raise ValidationError(
            ngettext(
                "At your trust level you can write to %(count)d member at a time.",
                "At your trust level you can write to %(count)d members at a time.",
                allowed,
            )
            % {"count": allowed},
            code="too_many_recipients",
        )
