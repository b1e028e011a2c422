"""Finding things on a page as a person would: by their label and by the page's title."""

import re

from playwright.sync_api import Locator, Page


def field(scope: Page | Locator, label: str) -> Locator:
    """The form field labelled ``label``, with or without Django's label suffix."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)
