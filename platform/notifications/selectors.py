"""The read side of notifications: a member's list, the bell's count and their choices.

Every read starts from the recipient, so a member can only ever see their own notifications; the
list walks the (recipient, id) index backwards, and the bell counts along the partial index of
unread ones, stopping at BELL_LIMIT so a member who never reads costs what anyone else does.
"""

from django.db.models import QuerySet

from core.pagination import Page, paginate
from core.prepared import Prepared
from notifications import registry
from notifications.models import Notification, Preference

BELL_LIMIT = 100  # the bell shows "99+" beyond this


def notifications_of(member, *, unread: bool | None = None) -> QuerySet:
    notifications = Notification.objects.filter(recipient=member).select_related("actor")
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    return notifications


def notifications_page(
    *, member, unread: bool | None = None, cursor: str | None = None, size: int = 30
) -> Page:
    """Newest first."""
    return paginate(
        notifications_of(member, unread=unread),
        order=("-pk",),
        cursor=cursor,
        size=size,
        scope={"unread": unread},
    )


def unread_count(member) -> int:
    """Up to BELL_LIMIT: one bounded query, compiled once (``core.prepared``), since every page a
    member opens asks it for the header's bell."""
    return len(_UNREAD.rows(BELL_LIMIT, member_id=member.pk))


_UNREAD = Prepared(
    lambda limit, *, member_id: (
        Notification.objects.filter(recipient_id=member_id, read_at__isnull=True)
        .order_by()
        .values("id")[:limit]
    )
)


def deliveries_of(member) -> dict[str, str]:
    """How the member hears of each registered kind: their choice, else the kind's default."""
    chosen = dict(Preference.objects.filter(member=member).values_list("kind", "delivery"))
    return {kind.key: chosen.get(kind.key, kind.default) for kind in registry.kinds()}
