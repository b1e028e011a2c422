"""What the header (``core/_header.jinja``) shows of a member's notifications. A context
processor of the ``jinja2`` engine: the layer that owns notifications gives the chrome its bell
without ``core`` knowing about notifications."""

from dataclasses import dataclass
from functools import partial

from django.utils.translation import gettext, ngettext

from notifications.selectors import BELL_LIMIT, unread_count


@dataclass(frozen=True, slots=True)
class Bell:
    unread: int
    shown: str  # "3", or "99+" past the limit; "" when nothing is unread
    label: str  # what a screen reader says


def bell(request) -> dict:
    """``notification_bell()``: counted only when the header draws it for a signed-in member."""
    return {"notification_bell": partial(_bell, request.user)}


def _bell(member) -> Bell:
    unread = unread_count(member)
    if unread >= BELL_LIMIT:
        limit = BELL_LIMIT - 1
        label = gettext("Notifications, more than %(limit)s unread") % {"limit": limit}
        return Bell(unread=unread, shown=f"{limit}+", label=label)
    if unread:
        label = ngettext(
            "Notifications, %(counter)s unread", "Notifications, %(counter)s unread", unread
        ) % {"counter": unread}
        return Bell(unread=unread, shown=str(unread), label=label)
    return Bell(unread=0, shown="", label=gettext("Notifications"))
