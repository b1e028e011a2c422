"""The notifications conversations send."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from notifications.registry import Kind, register

MESSAGE = register(
    Kind(
        key="conversations.message",
        label=_("New private messages"),
        sentence=_("%(actor)s wrote to you: “%(subject)s”"),
        batch_sentence=ngettext_lazy(
            "%(count)d new message in “%(subject)s”",
            "%(count)d new messages in “%(subject)s”",
            "count",
        ),
    )
)
