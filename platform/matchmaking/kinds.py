"""What matchmaking tells members about, registered with notifications (from its ready())."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind, register

REVIEW_NEEDED = register(
    Kind(
        key="matchmaking.review_needed",
        label=_("Help requests waiting for staff review"),
        sentence=_("“%(subject)s” touches a sensitive technology area and waits for your review"),
    )
)
REQUEST_APPROVED = register(
    Kind(
        key="matchmaking.request_approved",
        label=_("My help requests cleared by staff"),
        sentence=_("%(actor)s cleared “%(subject)s”: experts can now be matched to it"),
    )
)
REQUEST_EXPIRING = register(
    Kind(
        key="matchmaking.request_expiring",
        label=_("My help requests close to their deadline"),
        sentence=_("“%(subject)s” reaches its deadline in a few days"),
    )
)
REQUEST_EXPIRED = register(
    Kind(
        key="matchmaking.request_expired",
        label=_("My help requests that expired"),
        sentence=_("“%(subject)s” passed its deadline and closed"),
    )
)
