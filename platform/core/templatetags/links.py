"""``{% link "home" %}``: ``{% url "home" %}`` for a view that takes no argument, reversed once per
process (``core.links.link``)."""

from django import template

from core import links

register = template.Library()
register.simple_tag(links.link, name="link")
