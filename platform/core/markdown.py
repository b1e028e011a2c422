"""Members' Markdown, rendered to HTML that is safe to put in a page."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

LINK_SCHEMES = ("http:", "https:", "mailto:")

# Members' content sits under the page's own h1 and h2, so "#" becomes h3 and so on down to h6.
HEADING_SHIFT = 2


def _shift_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"


def _is_allowed_link(url: str) -> bool:
    # Anything else (javascript:, data:, relative paths) stays visible as plain Markdown text.
    return url.strip().lower().startswith(LINK_SCHEMES)


# Images are off: "![alt](url)" shows as "!" and a link, so the alt text is not lost.
_markdown = (
    MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).disable("image")
)
_markdown.core.ruler.push("shift_headings", _shift_headings)
_markdown.validateLink = _is_allowed_link

# Raw HTML is already escaped by markdown-it (html=False); nh3 is the second line of defence.
_cleaner = nh3.Cleaner(
    tags={
        *("p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote"),
        *("ul", "ol", "li", "h3", "h4", "h5", "h6", "a"),
        *("table", "thead", "tbody", "tr", "th", "td"),
    },
    attributes={"*": set(), "a": {"href", "title"}, "ol": {"start"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow noopener ugc",
)


def render_markdown(text: str) -> SafeString:
    """CommonMark (plus tables and ~~strikethrough~~) to sanitised HTML; blank text gives ""."""
    if not text or not text.strip():
        return mark_safe("")
    return mark_safe(_cleaner.clean(_markdown.render(text)))  # noqa: S308 - sanitised by nh3
