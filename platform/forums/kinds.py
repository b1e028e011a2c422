"""What the forums tell members about, registered with notifications (from ForumsConfig.ready)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from notifications.registry import Kind, register

REPLY = register(
    Kind(
        key="forums.reply",
        label=_("Replies to my threads"),
        sentence=_("%(actor)s replied to “%(subject)s”"),
        batch_sentence=ngettext_lazy(
            "%(count)d new reply to “%(subject)s”",
            "%(count)d new replies to “%(subject)s”",
            "count",
        ),
    )
)
MENTION = register(
    Kind(
        key="forums.mention",
        label=_("Mentions of me in the forums"),
        sentence=_("%(actor)s mentioned you in “%(subject)s”"),
        batch_sentence=ngettext_lazy(
            "%(count)d mention of you in “%(subject)s”",
            "%(count)d mentions of you in “%(subject)s”",
            "count",
        ),
    )
)
FOLLOWED_THREAD = register(
    Kind(
        key="forums.followed_thread",
        label=_("New posts in threads I follow"),
        sentence=_("%(actor)s posted in “%(subject)s”"),
        batch_sentence=ngettext_lazy(
            "%(count)d new post in “%(subject)s”",
            "%(count)d new posts in “%(subject)s”",
            "count",
        ),
    )
)
FOLLOWED_CATEGORY = register(
    Kind(
        key="forums.followed_category",
        label=_("New threads in categories I follow"),
        sentence=_("%(actor)s started “%(subject)s”"),
    )
)
