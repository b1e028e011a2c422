"""Lists of names written as each language writes them: "Finance, Mining" but 金融、矿业."""

from collections.abc import Iterable

from django.utils.translation import pgettext


def list_separator() -> str:
    """What the active language writes between the items of an enumeration."""
    return pgettext("between the items of a list", ", ")


def join_list(items: Iterable) -> str:
    """The items (names, or objects shown by their ``str``) joined with the active language's
    separator."""
    return list_separator().join(str(item) for item in items)
