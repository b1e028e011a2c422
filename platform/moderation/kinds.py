"""What moderation tells members about, registered with notifications (from its AppConfig)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from notifications.registry import Kind, register

DECISION = register(
    Kind(
        key="moderation.decision",
        label=_("Moderators’ decisions about what I wrote"),
        sentence=_("Moderators’ decision: %(subject)s"),
    )
)
WAITING = register(
    Kind(
        key="moderation.waiting",
        label=_("Flagged things waiting more than 48 hours (moderators)"),
        sentence=_("Flagged things waiting more than 48 hours: %(subject)s"),
        batch_sentence=ngettext_lazy(
            "%(count)d reminder of flagged things waiting",
            "%(count)d reminders of flagged things waiting",
            "count",
        ),
    )
)
