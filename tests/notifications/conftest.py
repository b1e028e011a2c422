import pytest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from notifications import registry
from notifications.registry import Delivery, Kind


@pytest.fixture
def only_test_kinds(monkeypatch):
    """The registry as if no app had declared kinds (the apps' own, e.g. the forums', are back
    after the test), so that lists of kinds hold just the test's."""
    monkeypatch.setattr(registry, "_kinds", {})


@pytest.fixture
def reply_kind(only_test_kinds):
    """A kind registered for the test only: shipped code declares no fake kinds."""
    kind = registry.register(
        Kind(
            key="test_reply",
            label=_("Replies to threads you follow"),
            sentence=_("%(actor)s replied in “%(subject)s”"),
            batch_sentence=ngettext_lazy(
                "%(count)d new reply in “%(subject)s”",
                "%(count)d new replies in “%(subject)s”",
                "count",
            ),
        )
    )
    yield kind
    registry.unregister(kind.key)


@pytest.fixture
def quiet_kind(only_test_kinds):
    """A second test kind, heard of on the site only unless a member asks for mail."""
    kind = registry.register(
        Kind(
            key="test_mention",
            label=_("Mentions"),
            sentence=_("%(actor)s mentioned you in “%(subject)s”"),
            default=Delivery.IN_APP,
        )
    )
    yield kind
    registry.unregister(kind.key)
