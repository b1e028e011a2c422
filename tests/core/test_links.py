"""core.links gives, for every argument, the address ``reverse`` gives."""

import pytest
from django.urls import reverse

from core.links import Links

ARGUMENTS = {
    "forums:thread": [1, 42, 2**31 - 1],
    "forums:category": ["market-entry", "税务", "é-commerce"],
    "forums:tag": ["supply chain", "税务/法规", "c++", "50%", "a?b#c", "<script>"],
    "members:profile": ["liwei01", "k3x9q2"],
}


@pytest.mark.parametrize("viewname", ARGUMENTS)
def test_links_are_what_reverse_makes(viewname):
    links = Links()
    for argument in ARGUMENTS[viewname]:
        assert links(viewname, argument) == reverse(viewname, args=[argument])


def test_an_argument_like_the_marker_is_filled_in_like_any_other():
    assert Links()("forums:thread", 918273645) == reverse("forums:thread", args=[918273645])
