from django import template

from notifications.selectors import BELL_LIMIT, unread_count

register = template.Library()


@register.inclusion_tag("notifications/bell.html", takes_context=True)
def notification_bell(context) -> dict:
    """The bell in the header: one bounded count of the member's unread notifications, asked
    only where the header is drawn for a signed-in member."""
    count = unread_count(context["user"])
    return {"unread": count, "capped": count >= BELL_LIMIT, "limit": BELL_LIMIT - 1}
