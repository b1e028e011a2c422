"""The kinds of notification the apps send, declared once each.

Notifications sit below every app that sends them, so they cannot know those apps; each app
instead declares its kinds in ``<app>/kinds.py`` (imported from its AppConfig ``ready()``), and
preferences, pages and e-mails list what is registered here. A kind's key is stored in rows and
preferences: never rename one that has been used.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class Delivery(models.TextChoices):
    """How a member hears of a kind; EMAIL means in the notifications list and by e-mail."""

    IN_APP = "in_app", _("On the site only")
    EMAIL = "email", _("On the site and by e-mail")
    OFF = "off", _("Off")


# A batch of notifications sharing a batch key, in an e-mail or the list: "4 new in “subject”".
DEFAULT_BATCH_SENTENCE = ngettext_lazy(
    "%(count)d new notification about “%(subject)s”",
    "%(count)d new notifications about “%(subject)s”",
    "count",
)


@dataclass(frozen=True)
class Kind:
    """``sentence`` is a lazy string with ``%(actor)s`` and ``%(subject)s`` (one notification);
    ``batch_sentence`` a lazy plural (``ngettext_lazy(..., "count")``) with ``%(count)d`` and
    ``%(subject)s``, for several of the same batch."""

    key: str
    label: str | Promise
    sentence: str | Promise
    default: Delivery = Delivery.EMAIL
    batch_sentence: str | Promise = DEFAULT_BATCH_SENTENCE


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.key in _kinds:
        raise ValueError(f"A notification kind {kind.key!r} is already registered.")
    _kinds[kind.key] = kind
    return kind


def kinds() -> list[Kind]:
    """Every registered kind, in the order the apps declared them."""
    return list(_kinds.values())


def kind(key: str) -> Kind:
    """The kind registered under ``key``; KeyError if none is (e.g. one an app has dropped)."""
    return _kinds[key]


def unregister(key: str) -> None:
    """For tests that register a kind of their own."""
    _kinds.pop(key, None)
