"""core.links gives, for every argument, the address ``reverse`` gives."""

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

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


@pytest.mark.parametrize("viewname", ["home", "forums:latest", "account_login", "api-docs"])
def test_the_link_tag_gives_what_the_url_tag_gives(viewname):
    rendered = Template("{% load links %}{% link name %}|{% url name %}").render(
        Context({"name": viewname})
    )
    link, url = rendered.split("|")
    assert link == url == reverse(viewname)


def test_the_link_tag_follows_the_script_prefix():
    template = Template('{% load links %}{% link "forums:latest" %}')
    set_script_prefix("/kb/")
    try:
        assert template.render(Context()) == "/kb/forums/latest/"
    finally:
        set_script_prefix("/")
    assert template.render(Context()) == "/forums/latest/"
