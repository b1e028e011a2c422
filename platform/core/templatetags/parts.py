"""``{% part "core/_header.jinja" section="index" %}``: a Jinja2 part (``core.jinja``) placed in a
Django page, rendered with the page's request and the values given. The site's chrome and the
pieces that Django and Jinja2 pages share are written once, as Jinja2 parts."""

from django import template

from core import jinja

register = template.Library()


@register.simple_tag(takes_context=True)
def part(context, template_name: str, **values):
    return jinja.fragment(template_name, values, context.get("request"))
